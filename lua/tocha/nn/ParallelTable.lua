--- nn.ParallelTable(): child i gets input[i]; the output is the table of
-- their outputs, gradOutput[i] goes back to child i (Torch7's).
local tocha = require "tocha"
local TableUtil = require "tocha.nn.TableUtil"

local ParallelTable, parent = tocha.class("nn.ParallelTable", "nn.Container")
local NAME = "nn.ParallelTable"

function ParallelTable:__init()
  parent.__init(self)
  self.output = {}
  self.gradInput = {}
end

function ParallelTable:updateOutput(input)
  TableUtil.check(NAME, "input", input, #self.modules)
  for i, module in ipairs(self.modules) do
    self.output[i] = self:rethrowErrors(module, i, "updateOutput", input[i])
  end
  TableUtil.truncate(self.output, #self.modules)
  return self.output
end

function ParallelTable:updateGradInput(input, gradOutput)
  TableUtil.check(NAME, "gradOutput", gradOutput, #self.modules)
  for i, module in ipairs(self.modules) do
    self.gradInput[i] = self:rethrowErrors(module, i, "updateGradInput", input[i], gradOutput[i])
  end
  TableUtil.truncate(self.gradInput, #self.modules)
  return self.gradInput
end

function ParallelTable:accGradParameters(input, gradOutput, scale)
  TableUtil.check(NAME, "gradOutput", gradOutput, #self.modules)
  for i, module in ipairs(self.modules) do
    self:rethrowErrors(module, i, "accGradParameters", input[i], gradOutput[i], scale or 1)
  end
end

function ParallelTable:accUpdateGradParameters(input, gradOutput, lr)
  for i, module in ipairs(self.modules) do
    self:rethrowErrors(module, i, "accUpdateGradParameters", input[i], gradOutput[i], lr)
  end
end

function ParallelTable:clearState()
  parent.clearState(self)
  self.output, self.gradInput = {}, {}
  return self
end

return ParallelTable
