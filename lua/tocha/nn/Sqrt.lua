--- nn.Sqrt([eps]): y = sqrt(x + eps) (eps 0), as Torch7's nn.Sqrt; the
-- gradient 1 / (2 y) is 0 where y is 0.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Sqrt, parent = tocha.class("nn.Sqrt", "nn.Module")

function Sqrt:__init(b)
  parent.__init(self)
  self.eps = b or 0
  if type(self.eps) ~= "number" then error("nn.Sqrt: eps must be a number", 2) end
end

function Sqrt:updateOutput(input)
  utils.like(self, "output", input):copy(input):add(self.eps):sqrt()
  return self.output
end

function Sqrt:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input):copy(gradOutput):div(2):cdiv(self.output)
  gi:maskedFill(self.output:eq(0), 0)
  return gi
end

return Sqrt
