--- nn.Parallel(inputDimension, outputDimension): module i gets slice i of the
-- input along inputDimension; the outputs are joined along outputDimension
-- (Torch7's nn.Parallel).  As Torch7, the input's size along inputDimension
-- says how many modules run: modules beyond it are left alone.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Concat = require "tocha.nn.Concat"

local Parallel, parent = tocha.class("nn.Parallel", "nn.Container")

local function check_dim(value, name)
  local n = utils.checkinteger(value, "nn.Parallel", name, 1, 4) -- not a tail call: level 4 is the user's call
  return n
end

function Parallel:__init(inputDimension, outputDimension)
  parent.__init(self)
  inputDimension = check_dim(inputDimension, "inputDimension")
  outputDimension = check_dim(outputDimension, "outputDimension")
  self.inputDimension = inputDimension
  self.outputDimension = outputDimension
  self.totalOutputSize = {}
end

local shape = require("tocha.utils").shape

local function check_input(self, input)
  if not tocha.isTensor(input) then
    error(string.format("nn.Parallel: input must be a tensor, got %s", tocha.type(input)), 0)
  end
  local d = self.inputDimension
  if input:dim() < d then
    error(string.format("nn.Parallel: input of size %s has no dimension %d", shape(input), d), 0)
  end
  if input:size(d) > #self.modules then
    error(string.format("nn.Parallel: input has %d slices along dimension %d but there are %d modules",
      input:size(d), d, #self.modules), 0)
  end
  return input:size(d)
end

function Parallel:updateOutput(input)
  local count = check_input(self, input)
  local d, size = self.outputDimension, self.totalOutputSize
  local first
  for i = 1, count do
    local out = self:rethrowErrors(self.modules[i], i, "updateOutput", input:select(self.inputDimension, i))
    first = Concat.join_size("nn.Parallel", size, d, i, out, first)
  end
  if count == 0 then return self.output end
  self.output:resize(size)
  local offset = 1
  for i = 1, count do
    local module = self.modules[i]
    local n = module.output:size(d)
    self.output:narrow(d, offset, n):copy(module.output)
    offset = offset + n
  end
  return self.output
end

local function each_slice(self, method, input, gradOutput, scale, keep)
  local count = check_input(self, input)
  local d, offset = self.outputDimension, 1
  if keep then self.gradInput:resizeAs(input) end
  for i = 1, count do
    local module = self.modules[i]
    local n = module.output:size(d)
    local gi = self:rethrowErrors(module, i, method, input:select(self.inputDimension, i),
      gradOutput:narrow(d, offset, n), scale)
    if keep then self.gradInput:select(self.inputDimension, i):copy(gi) end
    offset = offset + n
  end
  return self.gradInput
end

function Parallel:updateGradInput(input, gradOutput)
  return each_slice(self, "updateGradInput", input, gradOutput, nil, true)
end

function Parallel:accGradParameters(input, gradOutput, scale)
  each_slice(self, "accGradParameters", input, gradOutput, scale or 1, false)
end

function Parallel:backward(input, gradOutput, scale)
  return each_slice(self, "backward", input, gradOutput, scale or 1, true)
end

Parallel.__tostring__ = Concat.branches_tostring

return Parallel
