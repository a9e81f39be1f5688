--- nn.WhiteNoise([mean [, std]]): in training adds Gaussian noise of mean
-- (0) and std (0.1) to the input; in evaluation adds mean only (Torch7's).
-- The gradient passes unchanged.
local tocha = require "tocha"
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local WhiteNoise, parent = tocha.class("nn.WhiteNoise", "nn.Module")
local NAME = "nn.WhiteNoise"

function WhiteNoise:__init(mean, std)
  parent.__init(self)
  self.mean = Loss.number(NAME, "mean", mean, 0)
  self.std = Loss.number(NAME, "std", std, 0.1)
  if self.std < 0 then error(string.format("%s: std must be >= 0, got %g", NAME, self.std), 2) end
  self.noise = tocha.Tensor()
end

function WhiteNoise:updateOutput(input)
  utils.like(self, "output", input):copy(input)
  if self.train ~= false then
    if self.std > 0 then
      utils.like(self, "noise", input):normal(self.mean, self.std)
    else
      utils.like(self, "noise", input):fill(self.mean)
    end
    self.output:add(self.noise)
  elseif self.mean ~= 0 then
    self.output:add(self.mean)
  end
  return self.output
end

function WhiteNoise:updateGradInput(input, gradOutput)
  utils.like(self, "gradInput", gradOutput):copy(gradOutput)
  return self.gradInput
end

function WhiteNoise:__tostring__()
  return string.format("%s mean: %f, std: %f", self.__typename, self.mean, self.std)
end

return WhiteNoise
