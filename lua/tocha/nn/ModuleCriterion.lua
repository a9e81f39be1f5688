--- nn.ModuleCriterion(criterion [, inputModule [, targetModule [, castTarget]]]):
-- criterion applied to inputModule(input) and targetModule(target)
-- (either module optional); the gradient flows back through inputModule
-- only (Torch7's).  castTarget (true): :type also converts targetModule.
local tocha = require "tocha"
local nnutils = require "tocha.nn.utils"

local ModuleCriterion, parent = tocha.class("nn.ModuleCriterion", "nn.Criterion")

function ModuleCriterion:__init(criterion, inputModule, targetModule, castTarget)
  parent.__init(self)
  nnutils.check_criterion("nn.ModuleCriterion", criterion)
  for what, m in pairs({ inputModule = inputModule, targetModule = targetModule }) do
    if m ~= nil and not tocha.class.istype(m, "nn.Module") then
      error(string.format("nn.ModuleCriterion: %s must be an nn.Module, got %s", what, tocha.type(m)), 2)
    end
  end
  self.criterion = criterion
  self.inputModule = inputModule
  self.targetModule = targetModule
  self.castTarget = castTarget == nil or castTarget == true
end

function ModuleCriterion:updateOutput(input, target)
  if self.inputModule then self.input = self.inputModule:forward(input) end
  if self.targetModule then self.target = self.targetModule:forward(target) end
  self.output = self.criterion:forward(self.input or input, self.target or target)
  return self.output
end

function ModuleCriterion:updateGradInput(input, target)
  self.gradInput = self.criterion:backward(self.input or input, self.target or target)
  if self.inputModule then self.gradInput = self.inputModule:backward(input, self.gradInput) end
  return self.gradInput
end

-- Converts the parts (the targetModule only with castTarget).
function ModuleCriterion:type(typename, cache)
  local targetModule = self.targetModule
  if not self.castTarget then self.targetModule = nil end
  local ok, result = pcall(parent.type, self, typename, cache)
  self.targetModule = targetModule
  if not ok then error(result, 0) end
  return result
end

return ModuleCriterion
