-- nn.StochasticGradient(module, criterion): Torch7's simple trainer.
-- train(dataset) makes maxIteration passes over dataset (dataset:size()
-- examples, dataset[i] = {input, target}), in a random order when
-- shuffleIndices (drawn once), each example one step of plain SGD: pass 1 at
-- learningRate, pass k > 1 at learningRate / (1 + k * learningRateDecay); it prints the
-- mean error of each pass when verbose and calls hookExample(self,
-- example) and hookIteration(self, iteration, currentError) when set.
local tocha = require "tocha"

local StochasticGradient = tocha.class("nn.StochasticGradient")

function StochasticGradient:__init(module, criterion)
  if not tocha.class.istype(module, "nn.Module") then
    error("nn.StochasticGradient: module expected, got " .. tocha.type(module), 2)
  end
  if not tocha.class.istype(criterion, "nn.Criterion") then
    error("nn.StochasticGradient: criterion expected, got " .. tocha.type(criterion), 2)
  end
  self.learningRate = 0.01
  self.learningRateDecay = 0
  self.maxIteration = 25
  self.shuffleIndices = true
  self.module = module
  self.criterion = criterion
  self.verbose = true
end

--- Trains the module on dataset (dataset:size(), dataset[i] = {input, target}) for maxIteration epochs
-- of per-example SGD, as Torch7's nn.StochasticGradient:train.
function StochasticGradient:train(dataset)
  if type(dataset) ~= "table" and type(dataset) ~= "userdata" or type(dataset.size) ~= "function" then
    error("nn.StochasticGradient:train: dataset must have a size() method and entries {input, target}", 2)
  end
  local iteration = 1
  local currentLearningRate = self.learningRate
  local module, criterion = self.module, self.criterion
  local n = dataset:size()
  local order = self.shuffleIndices and tocha.randperm(n):long() or tocha.range(1, n):long()
  if self.verbose then print("# StochasticGradient: training") end
  local currentError
  while true do
    currentError = 0
    for t = 1, n do
      local example = dataset[order[t]]
      local input, target = example[1], example[2]
      currentError = currentError + criterion:forward(module:forward(input), target)
      module:updateGradInput(input, criterion:updateGradInput(module.output, target))
      module:accUpdateGradParameters(input, criterion.gradInput, currentLearningRate)
      if self.hookExample then self.hookExample(self, example) end
    end
    currentError = currentError / n
    if self.hookIteration then self.hookIteration(self, iteration, currentError) end
    if self.verbose then print("# current error = " .. currentError) end
    iteration = iteration + 1
    currentLearningRate = self.learningRate / (1 + iteration * self.learningRateDecay)
    if self.maxIteration > 0 and iteration > self.maxIteration then
      if self.verbose then print("# StochasticGradient: you have reached the maximum number of iterations") end
      break
    end
  end
  return currentError
end

return StochasticGradient
