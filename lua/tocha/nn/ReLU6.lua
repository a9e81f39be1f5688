--- nn.ReLU6([inplace]): y = min(max(x, 0), 6), the gradient passing where
-- 0 < x < 6 (Torch7's; HardTanh on [0, 6]).
local tocha = require "tocha"

local ReLU6, parent = tocha.class("nn.ReLU6", "nn.HardTanh")

function ReLU6:__init(inplace)
  parent.__init(self, 0, 6, inplace)
end

return ReLU6
