--- nn.Profile(module [, print_interval [, name]]): a decorator that times
-- module's forward and backward passes and prints their total every
-- print_interval (100) calls (Torch7's).
local tocha = require "tocha"
local utils = require "tocha.utils"
local clock = tocha.clock

local Profile, parent = tocha.class("nn.Profile", "nn.Decorator")

function Profile:__init(module, print_interval, name)
  parent.__init(self, module)
  self.print_interval = utils.checkinteger(print_interval or 100, "nn.Profile", "print_interval", 1)
  self.name = name or tocha.type(module)
  self.module = module
  self.numFwds, self.numBwds = 0, 0
  self.summedFwdTime, self.summedBwdTime = 0, 0
end

local function timed(self, what, f, ...)
  local start = clock()
  local result = f(self, ...)
  local count, total = "num" .. what .. "s", "summed" .. what .. "Time"
  self[total] = self[total] + (clock() - start)
  self[count] = self[count] + 1
  if self[count] % self.print_interval == 0 then
    print(string.format("%s took %.3f seconds for %d %s passes", self.name, self[total], self.print_interval,
      what == "Fwd" and "forward" or "backward"))
    self[total] = 0
  end
  return result
end

function Profile:updateOutput(input)
  return timed(self, "Fwd", parent.updateOutput, input)
end

function Profile:updateGradInput(input, gradOutput)
  return timed(self, "Bwd", parent.updateGradInput, input, gradOutput)
end

return Profile
