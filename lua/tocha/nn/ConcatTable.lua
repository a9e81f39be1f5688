--- nn.ConcatTable(): every child gets the same input; the output is the
-- table of their outputs (Torch7's nn.ConcatTable).  In backward,
-- gradOutput is a table with one entry per child and gradInput is the
-- sum of the children's gradInputs.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Concat = require "tocha.nn.Concat"

local ConcatTable, parent = tocha.class("nn.ConcatTable", "nn.Container")

function ConcatTable:__init()
  parent.__init(self)
  self.output = {}
end

function ConcatTable:updateOutput(input)
  for i, module in ipairs(self.modules) do
    self.output[i] = self:rethrowErrors(module, i, "updateOutput", input)
  end
  for i = #self.modules + 1, #self.output do self.output[i] = nil end
  return self.output
end

-- acc (a tensor or a nested table of them) = gi, or += gi; returns acc.
local function accumulate(acc, gi, first)
  if type(gi) == "table" then
    if type(acc) ~= "table" then acc = {} end
    for k, v in ipairs(gi) do acc[k] = accumulate(acc[k], v, first) end
    if first then
      for k = #gi + 1, #acc do acc[k] = nil end
    end
    return acc
  end
  if not tocha.isTensor(acc) or acc:type() ~= gi:type() then acc = utils.new_like(gi) end
  if first then
    acc:resizeAs(gi):copy(gi)
  else
    acc:add(gi)
  end
  return acc
end

local function check_grad_output(self, gradOutput)
  if type(gradOutput) ~= "table" or tocha.isTensor(gradOutput) or #gradOutput ~= #self.modules then
    error(string.format("nn.ConcatTable: gradOutput must be a table of %d entries (one per module), got %s",
      #self.modules, type(gradOutput) == "table" and not tocha.isTensor(gradOutput)
        and string.format("a table of %d", #gradOutput) or tocha.type(gradOutput)), 0)
  end
end

local function run_backward(self, method, input, gradOutput, scale)
  check_grad_output(self, gradOutput)
  for i, module in ipairs(self.modules) do
    local gi = self:rethrowErrors(module, i, method, input, gradOutput[i], scale)
    self.gradInput = accumulate(self.gradInput, gi, i == 1)
  end
  return self.gradInput
end

function ConcatTable:updateGradInput(input, gradOutput)
  return run_backward(self, "updateGradInput", input, gradOutput)
end

function ConcatTable:backward(input, gradOutput, scale)
  return run_backward(self, "backward", input, gradOutput, scale or 1)
end

function ConcatTable:accGradParameters(input, gradOutput, scale)
  check_grad_output(self, gradOutput)
  scale = scale or 1
  for i, module in ipairs(self.modules) do
    self:rethrowErrors(module, i, "accGradParameters", input, gradOutput[i], scale)
  end
end

function ConcatTable:clearState()
  parent.clearState(self)
  self.output = {}
  return self
end

ConcatTable.__tostring__ = Concat.branches_tostring

return ConcatTable
