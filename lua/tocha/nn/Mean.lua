--- nn.Mean([dimension [, nInputDims]]): the mean along `dimension` (Torch7's
-- nn.Mean, a Sum with sizeAverage).
local tocha = require "tocha"
local Sum = require "tocha.nn.Sum"

local Mean = tocha.class("nn.Mean", "nn.Sum")

function Mean:__init(dimension, nInputDims)
  Sum.__init(self, dimension, nInputDims, true)
end

return Mean
