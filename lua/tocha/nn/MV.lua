--- nn.MV([trans]): the matrix-vector product of a pair {M, v} (Torch7's):
-- (n x m) * (m), or a batch (b x n x m) * (b x m); trans takes M
-- transposed first.
local tocha = require "tocha"
local utils = require "tocha.utils"

local MV, parent = tocha.class("nn.MV", "nn.Module")

function MV:__init(trans)
  parent.__init(self)
  self.trans = trans == true
  self.gradInput = { tocha.Tensor(), tocha.Tensor() }
end

local function operands(self, input)
  if type(input) ~= "table" or tocha.isTensor(input) or #input ~= 2 then
    error("nn.MV: input must be a table {M, v} of two tensors, got " .. tocha.type(input), 3)
  end
  local m, v = input[1], input[2]
  if not tocha.isTensor(m) or not tocha.isTensor(v) then error("nn.MV: M and v must be tensors", 3) end
  local batch = m:dim() == 3
  if not ((m:dim() == 2 and v:dim() == 1) or (batch and v:dim() == 2)) then
    error(string.format("nn.MV: M and v must be a matrix and a vector, or batches of them, got %s and %s",
      utils.shape(m), utils.shape(v)), 3)
  end
  local d = m:dim()
  if self.trans then m = m:transpose(d - 1, d) end
  if m:size(d) ~= v:size(v:dim()) or (batch and m:size(1) ~= v:size(1)) then
    error(string.format("nn.MV: sizes %s and %s do not make a product", utils.shape(m), utils.shape(v)), 3)
  end
  return m, v, batch
end

function MV:updateOutput(input)
  local m, v, batch = operands(self, input)
  if tocha.type(self.output) ~= tocha.type(m) then self.output = m.new() end
  if batch then
    -- (b, n, m) x (b, m, 1) -> (b, n, 1)
    self.output:resize(m:size(1), m:size(2), 1):bmm(m, v:view(v:size(1), v:size(2), 1))
    self.output:resize(m:size(1), m:size(2))
  else
    self.output:resize(m:size(1)):mv(m, v)
  end
  return self.output
end

function MV:updateGradInput(input, gradOutput)
  local m, v, batch = operands(self, input)
  for i = 1, 2 do
    if tocha.type(self.gradInput[i]) ~= tocha.type(input[i]) then self.gradInput[i] = input[i].new() end
    self.gradInput[i]:resizeAs(input[i])
  end
  local gm, gv = self.gradInput[1], self.gradInput[2]
  if batch then
    local b = m:size(1)
    local g3 = gradOutput:contiguous():view(b, m:size(2), 1)
    local v3 = v:contiguous():view(b, 1, v:size(2))
    -- dM = g v^T (transposed back when M was), dv = M^T g
    if self.trans then gm:transpose(2, 3):bmm(g3, v3) else gm:bmm(g3, v3) end
    gv:view(b, v:size(2), 1):bmm(m:transpose(2, 3), g3)
  else
    gm:zero()
    if self.trans then gm:t():addr(gradOutput, v) else gm:addr(gradOutput, v) end
    gv:mv(m:t(), gradOutput)
  end
  return self.gradInput
end

return MV
