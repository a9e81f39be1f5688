--- nn.IndexLinear(inputSize, outputSize [, doGradInput [, keysOffset
-- [, weight [, bias [, normalize]]]]]): a Linear layer over sparse
-- (key, value) inputs with a transposed weight (inputSize x outputSize;
-- Torch7's).  Inputs: {keys, values} (one sample), {{keys...}, {values...}}
-- (a batch), or {flatKeys, flatValues, sizes} (a batch concatenated).
-- Keys are 1-based, or shifted by keysOffset - 1.  As in Torch7 the weight
-- gradient is kept sparse: accGradParameters records the touched rows
-- (self.running) and updateParameters applies them; zeroGradParameters
-- forgets them.  The max-abs normalisation mode (normalize) is not
-- supported here.
local tocha = require "tocha"
local utils = require "tocha.utils"
local TableUtil = require "tocha.nn.TableUtil"

local IndexLinear, parent = tocha.class("nn.IndexLinear", "nn.Module")
local NAME = "nn.IndexLinear"

function IndexLinear:__init(inputSize, outputSize, doGradInput, keysOffset, weight, bias, normalize)
  parent.__init(self)
  if normalize then error(string.format("%s: the normalize mode is not supported", NAME), 2) end
  self.normalize = 0
  if weight then
    self.weight = weight
  else
    self.weight = tocha.Tensor(utils.checkinteger(inputSize, NAME, "inputSize", 1),
      utils.checkinteger(outputSize, NAME, "outputSize", 1)):zero()
  end
  self.inputSize, self.outputSize = self.weight:size(1), self.weight:size(2)
  self.bias = bias or tocha.Tensor(self.outputSize):zero()
  self.gradWeight = tocha.Tensor()
  self.gradBias = tocha.Tensor(self.outputSize):zero()
  self.running = { keys = {}, gradWeight = {} }
  self.weightDecay = 0
  self.doGradInput = doGradInput or false
  self.offset = keysOffset and keysOffset - 1 or -1
end

function IndexLinear:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(2))
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv):mul(0.000001)
  return self
end

-- The samples as a list of {weight rows (LongTensor), values}; sets
-- self.isFlat and self.noBatch as Torch7 does.
function IndexLinear:_samples(input)
  TableUtil.check(NAME, "input", input, 2)
  local samples = {}
  local function add(keys, values)
    if not tocha.isTensor(keys) or not tocha.isTensor(values) or keys:dim() ~= 1 or values:dim() ~= 1 or
        keys:nElement() ~= values:nElement() then
      error(string.format("%s: keys and values must be 1D tensors of one size", NAME), 4)
    end
    local rows = keys:long():add(self.offset + 1)
    if rows:nElement() > 0 and (rows:min() < 1 or rows:max() > self.inputSize) then
      error(string.format("%s: a key is out of range for %d inputs", NAME, self.inputSize), 4)
    end
    samples[#samples + 1] = { rows, values }
  end
  if #input == 3 then
    local keys, values = input[1], input[2]
    local sizes = tocha.isTensor(input[3]) and input[3]:totable() or { input[3] }
    self.isFlat, self.noBatch = true, false
    local at = 1
    for _, n in ipairs(sizes) do
      add(keys:narrow(1, at, n), values:narrow(1, at, n))
      at = at + n
    end
  elseif TableUtil.is_table(input[1]) and TableUtil.is_table(input[2]) then
    self.isFlat, self.noBatch = false, false
    for i = 1, #input[1] do add(input[1][i], input[2][i]) end
  else
    self.isFlat, self.noBatch = false, true
    add(input[1], input[2])
  end
  return samples
end

function IndexLinear:updateOutput(input)
  local samples = self:_samples(input)
  local out = utils.like(self, "_output", self.bias.new(#samples, self.outputSize))
  for i, s in ipairs(samples) do
    out[i]:copy(self.bias)
    local nnz = s[1]:nElement()
    if nnz * 4 > self.inputSize then
      -- many keys: through the dense input (keys may repeat)
      local dense = self.weight.new(self.inputSize):zero():indexAdd(1, s[1], s[2]:typeAs(self.weight))
      out[i]:addmv(1, self.weight:t(), dense)
    elseif nnz > 0 then
      out[i]:addmv(1, self.weight:index(1, s[1]):t(), s[2]:typeAs(self.weight))
    end
  end
  self.output = self.noBatch and out[1] or out
  return self.output
end

-- Per sample, the touched rows and their gradients (nnz x outputSize).
local function row_gradients(self, samples, gradOutput, scale)
  local g = gradOutput:dim() == 1 and gradOutput:view(1, gradOutput:nElement()) or gradOutput
  local entries = {}
  for i, s in ipairs(samples) do
    local keys, values = s[1], s[2]:typeAs(self.weight)
    if self.weightDecay == 0 and keys:nElement() * 4 > self.inputSize then
      -- many keys: one gradient row per input (keys may repeat)
      values = self.weight.new(self.inputSize):zero():indexAdd(1, keys, values)
      keys = tocha.range(1, self.inputSize):long()
    end
    if keys:nElement() > 0 then
      local rows = tocha.ger(values, g[i]):mul(scale)
      if self.weightDecay ~= 0 then rows:add(self.weightDecay, self.weight:index(1, keys)) end
      entries[#entries + 1] = { keys, rows }
    end
  end
  return entries, g:sum(1):view(self.outputSize)
end

function IndexLinear:accGradParameters(input, gradOutput, scale)
  local entries, gsum = row_gradients(self, self:_samples(input), gradOutput, scale or 1)
  for _, e in ipairs(entries) do
    self.running.keys[#self.running.keys + 1] = e[1]
    self.running.gradWeight[#self.running.gradWeight + 1] = e[2]
  end
  self.gradBias:add(scale or 1, gsum)
end

function IndexLinear:accUpdateGradParameters(input, gradOutput, lr)
  local entries, gsum = row_gradients(self, self:_samples(input), gradOutput, 1)
  for _, e in ipairs(entries) do self.weight:indexAdd(1, e[1], e[2]:mul(-lr)) end
  self.bias:add(-lr, gsum)
end

function IndexLinear:updateParameters(lr)
  if type(lr) ~= "number" then error(string.format("%s: you must give a learning rate", NAME), 2) end
  for i, keys in ipairs(self.running.keys) do
    self.weight:indexAdd(1, keys, self.running.gradWeight[i]:clone():mul(-lr))
  end
  self.bias:add(-lr, self.gradBias)
end

function IndexLinear:zeroGradParameters()
  self.gradBias:zero()
  self.running.keys, self.running.gradWeight = {}, {}
end

function IndexLinear:parameters()
  return { self.weight, self.bias }, { self.running, self.gradBias }
end

function IndexLinear:updateGradInput(input, gradOutput)
  local samples = self:_samples(input)
  self.gradInput = {}
  if self.doGradInput then
    local g = gradOutput:dim() == 1 and gradOutput:view(1, gradOutput:nElement()) or gradOutput
    local gi = tocha.mm(g, self.weight:t())
    local indices = tocha.range(1, self.inputSize):long()
    if self.isFlat then
      self.gradInput[1] = indices:view(1, self.inputSize):expand(#samples, self.inputSize):clone()
      self.gradInput[2] = gi
    else
      self.gradInput[1], self.gradInput[2] = {}, {}
      for i = 1, gi:size(1) do
        self.gradInput[1][i] = indices:clone()
        self.gradInput[2][i] = gi[i]:clone()
      end
    end
    if self.noBatch then self.gradInput = { self.gradInput[1][1], self.gradInput[2][1] } end
  end
  return self.gradInput
end

function IndexLinear:clearState()
  self.running = { keys = {}, gradWeight = {} }
  return parent.clearState(self)
end

return IndexLinear
