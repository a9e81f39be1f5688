-- nn.CrossEntropyCriterion([weights [, sizeAverage]]): LogSoftMax followed
-- by ClassNLLCriterion, on raw scores (Torch7's nn.CrossEntropyCriterion).
-- Same inputs and targets as ClassNLLCriterion.
local tocha = require "tocha"
local nn = require "tocha.nn"

local CrossEntropyCriterion, parent = tocha.class("nn.CrossEntropyCriterion", "nn.Criterion")

function CrossEntropyCriterion:__init(weights, sizeAverage)
  parent.__init(self)
  self.lsm = nn.LogSoftMax()
  self.nll = nn.ClassNLLCriterion(weights, sizeAverage)
  self.sizeAverage = self.nll.sizeAverage
end

-- Errors from the parts are reported as this criterion's.
local function rename(message)
  if type(message) == "string" then
    message = message:gsub("^nn%.LogSoftMax: ", "nn.CrossEntropyCriterion: ")
    message = message:gsub("^nn%.ClassNLLCriterion: ", "nn.CrossEntropyCriterion: ")
  end
  error(message, 0)
end

function CrossEntropyCriterion:updateOutput(input, target)
  self.nll.sizeAverage = self.sizeAverage
  local ok, err = pcall(self.lsm.updateOutput, self.lsm, input)
  if not ok then rename(err) end
  ok, err = pcall(self.nll.updateOutput, self.nll, self.lsm.output, target)
  if not ok then rename(err) end
  self.output = self.nll.output
  return self.output
end

function CrossEntropyCriterion:updateGradInput(input, target)
  self.nll.sizeAverage = self.sizeAverage
  local ok, err = pcall(self.nll.updateGradInput, self.nll, self.lsm.output, target)
  if not ok then rename(err) end
  ok, err = pcall(self.lsm.updateGradInput, self.lsm, input, self.nll.gradInput)
  if not ok then rename(err) end
  self.gradInput = self.lsm.gradInput
  return self.gradInput
end

return CrossEntropyCriterion
