-- tocha.optim: optimisers with Torch7's calling convention
-- x, fs = optim.sgd(opfunc, x, config, state), plus ConfusionMatrix and Logger.
local tocha = require "tocha"

local optim = {}
tocha.class.namespace("optim", optim)
package.loaded["tocha.optim"] = optim

require "tocha.optim.sgd"
require "tocha.optim.adam"
require "tocha.optim.ConfusionMatrix"
require "tocha.optim.Logger"

return optim
