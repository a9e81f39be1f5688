--- nn.PReLU([nOutputPlane]): y = x where x > 0, else a x, with a learnable
-- slope a (Torch7's nn.PReLU): one slope shared by all units
-- (nOutputPlane 0, the default) or one per plane, the planes being
-- dimension 1 of a 1-D/3-D input or dimension 2 of a batch; slopes start
-- at 0.25.
local tocha = require "tocha"
local utils = require "tocha.utils"

local PReLU, parent = tocha.class("nn.PReLU", "nn.Module")

function PReLU:__init(nOutputPlane)
  parent.__init(self)
  self.nOutputPlane = utils.checkinteger(nOutputPlane or 0, "nn.PReLU", "nOutputPlane", 0)
  self.weight = tocha.Tensor(math.max(1, self.nOutputPlane)):fill(0.25)
  self.gradWeight = tocha.Tensor(math.max(1, self.nOutputPlane)):zero()
end

-- The slopes expanded to the input's shape.
local function slopes(self, input)
  local sizes = {}
  if self.nOutputPlane == 0 then
    for d = 1, input:dim() do sizes[d] = 1 end
    return self.weight:view(tocha.LongStorage(sizes)):expandAs(input)
  end
  local dim = (input:dim() == 2 or input:dim() == 4) and 2 or 1
  if input:size(dim) ~= self.nOutputPlane then
    error(string.format("nn.PReLU: the input has %d planes in dimension %d, expected %d", input:size(dim), dim,
      self.nOutputPlane), 3)
  end
  for d = 1, input:dim() do sizes[d] = d == dim and self.nOutputPlane or 1 end
  return self.weight:view(tocha.LongStorage(sizes)):expandAs(input)
end

function PReLU:updateOutput(input)
  local out = utils.like(self, "output", input):copy(input)
  local neg = input:le(0)
  local scaled = input:clone():cmul(slopes(self, input))
  out:maskedCopy(neg, scaled[neg])
  return out
end

function PReLU:updateGradInput(input, gradOutput)
  local gi = utils.like(self, "gradInput", input):copy(gradOutput)
  local neg = input:le(0)
  local scaled = gradOutput:clone():cmul(slopes(self, input))
  gi:maskedCopy(neg, scaled[neg])
  return gi
end

function PReLU:accGradParameters(input, gradOutput, scale)
  -- d/da = x where x <= 0
  local contrib = input:clone():cmul(gradOutput)
  contrib:maskedFill(input:gt(0), 0)
  scale = scale or 1
  if self.nOutputPlane == 0 then
    self.gradWeight[1] = self.gradWeight[1] + scale * contrib:sum()
  else
    local dim = (input:dim() == 2 or input:dim() == 4) and 2 or 1
    local planes = contrib:transpose(1, dim):contiguous():view(self.nOutputPlane, -1)
    self.gradWeight:add(scale, planes:sum(2):view(self.nOutputPlane))
  end
end

return PReLU
