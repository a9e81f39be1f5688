--- nn.MapTable(module [, shared]): applies module to every entry of the
-- input table, through clones made as needed (Torch7's).  With shared
-- (the default) the clones share weight, bias, gradWeight and gradBias
-- with module.  :resize(n) keeps n clones; clearState keeps module only.
local tocha = require "tocha"
local TableUtil = require "tocha.nn.TableUtil"

local MapTable, parent = tocha.class("nn.MapTable", "nn.Container")
local NAME = "nn.MapTable"

function MapTable:__init(module, shared)
  parent.__init(self)
  self.shared = shared == nil or shared == true
  self.sharedparams = { "weight", "bias", "gradWeight", "gradBias" }
  self.output = {}
  self.gradInput = {}
  if module then self:add(module) end
end

function MapTable:_extend(n)
  self.modules[1] = self.module
  for i = 2, n do
    if not self.modules[i] then
      if self.shared then
        self.modules[i] = self.module:clone(table.unpack(self.sharedparams))
      else
        self.modules[i] = self.module:clone()
      end
    end
  end
end

--- Keeps n clones of the module (sharing its parameters); returns self.
function MapTable:resize(n)
  self:_extend(n)
  TableUtil.truncate(self.modules, n)
  return self
end

function MapTable:add(module)
  if self.module then error(string.format("%s: a single module is mapped; it is already set", NAME), 2) end
  if not tocha.class.istype(module, "nn.Module") then
    error(string.format("%s: module expected, got %s", NAME, tocha.type(module)), 2)
  end
  self.module = module
  self.modules[1] = module
  return self
end

local function check(self, input)
  if not self.module then error(string.format("%s: no module to map", NAME), 3) end
  TableUtil.check(NAME, "input", input)
  self:_extend(#input)
end

function MapTable:updateOutput(input)
  check(self, input)
  self.output = {}
  for i = 1, #input do
    self.output[i] = self:rethrowErrors(self.modules[i], i, "updateOutput", input[i])
  end
  return self.output
end

function MapTable:updateGradInput(input, gradOutput)
  check(self, input)
  TableUtil.check(NAME, "gradOutput", gradOutput, #input)
  self.gradInput = {}
  for i = 1, #input do
    self.gradInput[i] = self:rethrowErrors(self.modules[i], i, "updateGradInput", input[i], gradOutput[i])
  end
  return self.gradInput
end

function MapTable:accGradParameters(input, gradOutput, scale)
  check(self, input)
  for i = 1, #input do
    self:rethrowErrors(self.modules[i], i, "accGradParameters", input[i], gradOutput[i], scale or 1)
  end
end

function MapTable:accUpdateGradParameters(input, gradOutput, lr)
  check(self, input)
  for i = 1, #input do
    self:rethrowErrors(self.modules[i], i, "accUpdateGradParameters", input[i], gradOutput[i], lr)
  end
end

-- With shared parameters, the first module holds them all.
function MapTable:zeroGradParameters()
  if not self.module then return end
  if self.shared then self.module:zeroGradParameters() else parent.zeroGradParameters(self) end
end

function MapTable:updateParameters(learningRate)
  if not self.module then return end
  if self.shared then self.module:updateParameters(learningRate) else parent.updateParameters(self, learningRate) end
end

function MapTable:clearState()
  TableUtil.truncate(self.modules, 1)
  parent.clearState(self)
  self.output, self.gradInput = {}, {}
  return self
end

function MapTable:__tostring__()
  return string.format("%s {\n  %s\n}", self.__typename, tostring(self.module):gsub("\n", "\n  "))
end

return MapTable
