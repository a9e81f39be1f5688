--- nn.View(sizes...): the input seen with another shape, sharing its
-- storage (Torch7's nn.View).  One size may be -1 (inferred).  Extra
-- leading elements make a batch: View(2, 3) maps 6 -> 2x3 and 4x6 ->
-- 4x2x3.  setNumInputDims(n) says how many trailing input dims make one
-- sample, which settles the batch size when a size is -1.
local tocha = require "tocha"
local utils = require "tocha.utils"

local View, parent = tocha.class("nn.View", "nn.Module")

local function sizes_of(...)
  local n = select("#", ...)
  local first = ...
  if n == 1 and type(first) == "table" then return first, 1 end
  return { ... }, n
end

function View:__init(...)
  parent.__init(self)
  local given, n = sizes_of(...)
  if n == 0 or #given == 0 then error("nn.View: sizes expected", 2) end
  self.size = {}
  self.numElements = 1
  local inferred = false
  for i = 1, #given do
    local s = utils.integer(given[i])
    if s == nil or (s < 1 and s ~= -1) then
      error(string.format("nn.View: size %d must be a positive integer or -1, got %s", i, tostring(given[i])), 2)
    end
    if s == -1 then
      if inferred then error("nn.View: only one size can be -1", 2) end
      inferred = true
    else
      self.numElements = self.numElements * s
    end
    self.size[i] = s
  end
  self.size = tocha.LongStorage(self.size)
  self.inferred = inferred
  self.numInputDims = nil
end

--- The number of non-batch dimensions of the input (so that a batch is recognised); returns self.
function View:setNumInputDims(numInputDims)
  if numInputDims ~= nil then numInputDims = utils.checkinteger(numInputDims, "nn.View", "numInputDims", 1) end
  self.numInputDims = numInputDims
  return self
end

local shape = utils.shape

--- The batch size, or nil when the input is a single sample.
function View:batchSize(input)
  local ndim = input:dim()
  local sample_dims = math.min(self.numInputDims or ndim, ndim)
  local sample_elements = 1
  for d = ndim - sample_dims + 1, ndim do sample_elements = sample_elements * input:size(d) end
  if sample_elements % self.numElements ~= 0 then
    error(string.format("nn.View: input view (%s) and desired view (%s) do not match", shape(input),
      table.concat(self.size, "x")), 0)
  end
  -- the remaining factor is either the batch or the size at -1
  local bsz = self.inferred and 1 or sample_elements // self.numElements
  for d = 1, ndim - sample_dims do bsz = bsz * input:size(d) end
  if bsz == 1 and (not self.numInputDims or ndim <= self.numInputDims) then return nil end
  return bsz
end

function View:updateOutput(input)
  if not tocha.isTensor(input) then
    error(string.format("nn.View: input must be a tensor, got %s", tocha.type(input)), 0)
  end
  input = utils.contiguous(self, "_input", input)
  local bsz = self:batchSize(input)
  -- the output's sizes, with the batch first and -1 resolved
  local sizes = self._sizes or {}
  self._sizes = sizes
  local first = bsz and 1 or 0
  if bsz then sizes[1] = bsz end
  local inferred = input:nElement() // ((bsz or 1) * self.numElements)
  for i = 1, #self.size do
    local s = self.size[i]
    sizes[first + i] = s == -1 and inferred or s
  end
  for i = first + #self.size + 1, #sizes do sizes[i] = nil end
  -- the output is a header of its own, re-pointed at each input (no allocation)
  if tocha.type(self.output) ~= tocha.type(input) then self.output = input.new() end
  return self.output:view(input, sizes)
end

function View:updateGradInput(input, gradOutput)
  gradOutput = utils.contiguous(self, "_gradOutput", gradOutput)
  if tocha.type(self.gradInput) ~= tocha.type(gradOutput) then self.gradInput = gradOutput.new() end
  return self.gradInput:viewAs(gradOutput, input)
end

function View:clearState()
  utils.clear(self, "_input", "_gradOutput")
  return parent.clearState(self)
end

function View:__tostring__()
  return self.__typename .. "(" .. table.concat(self.size, ", ") .. ")"
end

return View
