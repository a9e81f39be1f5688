--- nn.Min([dimension [, nInputDims]]): nn.Max with the smallest entry (Torch7's).
local tocha = require "tocha"

local Min = tocha.class("nn.Min", "nn.Max")
Min._reduce = "min"

return Min
