--- nn.CrossEntropyCriterion([weights [, sizeAverage]]): LogSoftMax followed
-- by ClassNLLCriterion, on raw scores (Torch7's nn.CrossEntropyCriterion).
-- Same inputs and targets as ClassNLLCriterion.  The field sizeAverage
-- reaches the inner nll when changed; nll.sizeAverage may also be set directly.
local tocha = require "tocha"
local nn = require "tocha.nn"

local CrossEntropyCriterion, parent = tocha.class("nn.CrossEntropyCriterion", "nn.Criterion")

function CrossEntropyCriterion:__init(weights, sizeAverage)
  parent.__init(self)
  self.lsm = nn.LogSoftMax()
  self.nll = nn.ClassNLLCriterion(weights, sizeAverage)
  self.sizeAverage = self.nll.sizeAverage
  self.oldSizeAverage = self.sizeAverage
end

-- As Torch7: self.sizeAverage reaches nll only when it was changed since
-- the last call, so that setting nll.sizeAverage directly also holds.
local function propagate(self)
  if self.sizeAverage ~= self.oldSizeAverage then self.nll.sizeAverage = self.sizeAverage end
  self.oldSizeAverage = self.sizeAverage
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
  propagate(self)
  local ok, err = pcall(self.lsm.updateOutput, self.lsm, input)
  if not ok then rename(err) end
  ok, err = pcall(self.nll.updateOutput, self.nll, self.lsm.output, target)
  if not ok then rename(err) end
  self.output = self.nll.output
  return self.output
end

function CrossEntropyCriterion:updateGradInput(input, target)
  propagate(self)
  local ok, err = pcall(self.nll.updateGradInput, self.nll, self.lsm.output, target)
  if not ok then rename(err) end
  ok, err = pcall(self.lsm.updateGradInput, self.lsm, input, self.nll.gradInput)
  if not ok then rename(err) end
  self.gradInput = self.lsm.gradInput
  return self.gradInput
end

return CrossEntropyCriterion
