--- nn.Dropout(p, v1, inplace, stochasticInference), Torch7's argument order.
--
-- Training: each unit is kept with probability 1 - p; kept units are
-- scaled by 1/(1-p) ("v2", the default) or left as they are (v1).  The
-- mask is cached as one bit per unit; backward lets the gradient through
-- exactly where the forward let the unit through.  Evaluation: identity
-- (v1: scaled by 1-p), or a fresh mask with stochasticInference.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Dropout, parent = tocha.class("nn.Dropout", "nn.Module")

local function check_p(p, fname, level)
  if type(p) ~= "number" or not (p >= 0 and p < 1) then
    error(string.format("bad argument #1 to '%s' (dropout probability must satisfy 0 <= p < 1, got %s)", fname,
      tostring(p)), level + 1)
  end
end

function Dropout:__init(p, v1, inplace, stochasticInference)
  parent.__init(self)
  p = p or 0.5
  check_p(p, "Dropout", 3)
  self.p = p
  self.v2 = not v1
  self.inplace = inplace and true or false
  self.stochasticInference = stochasticInference and true or false
  self.maskBits = tocha.ByteTensor()
  self.maskSize = {}    -- shape of the input the cached mask belongs to (reused)
  self.maskGroup = 1    -- elements per mask bit in that forward
  self.masked = nil     -- did the last forward apply a mask? nil: no forward yet
end

--- Elements that share one mask bit (1 here; a feature map for SpatialDropout).
function Dropout:groupSize(input) -- luacheck: no unused args
  return 1
end

--- Sets the drop probability p (in [0, 1)); returns self.
function Dropout:setp(p)
  check_p(p, "setp", 2)
  self.p = p
  return self
end

--- Data parallelism: the input's rows (dimension 1) are rows first + 1 ..
-- first + input:size(1) of a batch of `total` rows; the mask then equals
-- the one a forward on the whole batch would draw for them, and the
-- generator advances as that forward would.  setShard() (no arguments)
-- returns to ordinary forwards.  Used by tocha.distributed.DataParallel.
function Dropout:setShard(first, total)
  if first == nil then
    self.shard = nil
    return self
  end
  if math.type(first) == "float" and first == math.floor(first) then first = math.tointeger(first) end
  if math.type(total) == "float" and total == math.floor(total) then total = math.tointeger(total) end
  if math.type(first) ~= "integer" or math.type(total) ~= "integer" or first < 0 or total < first then
    error(string.format("bad argument to 'setShard' (expected integers 0 <= first <= total, got %s, %s)",
      tostring(first), tostring(total)), 2)
  end
  self.shard = { first, total }
  return self
end

--- The survivors' scale in training.
function Dropout:scale()
  return self.v2 and 1 / (1 - self.p) or 1
end

local function check_input(input, fname)
  if not tocha.isTensor(input) then
    error(string.format("bad argument #1 to '%s' (tensor expected, got %s)", fname, tocha.type(input)), 3)
  end
end

function Dropout:updateOutput(input)
  check_input(input, "updateOutput")
  local group = self:groupSize(input)
  -- No parameters tie the module to a type: follow the input's.
  if self.output:type() ~= input:type() then self.output = utils.new_like(input) end
  if self.inplace then
    self.output:set(input)
  end
  if self.p > 0 and (self.train or self.stochasticInference) then
    local shard = self.shard
    if shard then
      -- Rows shard[1] .. of a batch of shard[2] rows (see setShard).
      local n = input:dim() > 0 and input:size(1) or 0
      local per_row = n > 0 and input:nElement() // group // n or 0
      tocha._dropout.forward_shard(self.output, input, self.maskBits, self.p, self:scale(), group,
        shard[1] * per_row, shard[2] * per_row)
    else
      tocha._dropout.forward(self.output, input, self.maskBits, self.p, self:scale(), group)
    end
    self.masked = true
  else
    if not self.inplace then self.output:resizeAs(input):copy(input) end
    if not self.v2 and self.p > 0 then self.output:mul(1 - self.p) end
    self.masked = false
  end
  -- Recorded without building a size table: no allocation per step.
  local dims = self.maskSize
  for d = 1, input:dim() do dims[d] = input:size(d) end
  for d = input:dim() + 1, #dims do dims[d] = nil end
  self.maskGroup = group
  return self.output
end

function Dropout:updateGradInput(input, gradOutput)
  if self.masked == nil then
    error(string.format("%s: updateGradInput called before updateOutput (no mask to apply)", self.__typename), 2)
  end
  check_input(gradOutput, "updateGradInput")
  local dims, same = self.maskSize, gradOutput:dim() == #self.maskSize
  for d = 1, same and #dims or 0 do
    if gradOutput:size(d) ~= dims[d] then same = false end
  end
  if not same then
    error(string.format("bad argument #2 to 'updateGradInput' (gradOutput of size %s does not match the last "
      .. "input of size %s)", table.concat(gradOutput:size(), "x"), table.concat(self.maskSize, "x")), 2)
  end
  if self.gradInput:type() ~= gradOutput:type() then self.gradInput = utils.new_like(gradOutput) end
  if self.inplace then
    self.gradInput:set(gradOutput)
  end
  if self.masked then
    tocha._dropout.backward(self.gradInput, gradOutput, self.maskBits, self:scale(), self.maskGroup)
  else
    if not self.inplace then self.gradInput:resizeAs(gradOutput):copy(gradOutput) end
    if not self.v2 and self.p > 0 then self.gradInput:mul(1 - self.p) end
  end
  return self.gradInput
end

--- The mask of the last forward as a ByteTensor of 0/1 shaped like its
-- input (all ones when that forward applied no mask).
function Dropout:mask()
  if self.masked == nil then
    error(string.format("%s: no forward yet, so no mask", self.__typename), 2)
  end
  local size = tocha.LongStorage(self.maskSize)
  if not self.masked then return tocha.ByteTensor(size):fill(1) end
  return tocha._dropout.mask(self.maskBits, size, self.maskGroup)
end

function Dropout:clearState()
  self.maskBits:set()
  self.masked, self.maskSize = nil, {}
  return parent.clearState(self)
end

function Dropout:__tostring__()
  local flags = {}
  if not self.v2 then flags[#flags + 1] = "v1" end
  if self.inplace then flags[#flags + 1] = "inplace" end
  if self.stochasticInference then flags[#flags + 1] = "stochastic" end
  local extra = #flags > 0 and (", " .. table.concat(flags, ", ")) or ""
  return string.format("%s(%g%s)", self.__typename, self.p, extra)
end

return Dropout
