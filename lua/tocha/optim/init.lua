--- tocha.optim: optimisers with Torch7's calling convention
-- x, fs = optim.sgd(opfunc, x, config, state), plus ConfusionMatrix and Logger.
local tocha = require "tocha"

local optim = {}
tocha.class.namespace("optim", optim)
package.loaded["tocha.optim"] = optim

require "tocha.optim.sgd"
require "tocha.optim.adam"
require "tocha.optim.adagrad"
require "tocha.optim.rmsprop"
require "tocha.optim.adadelta"
require "tocha.optim.adamax"
require "tocha.optim.nag"
require "tocha.optim.asgd"
require "tocha.optim.rprop"
require "tocha.optim.lswolfe"
require "tocha.optim.lbfgs"
require "tocha.optim.cg"
require "tocha.optim.cmaes"
require "tocha.optim.de"
require "tocha.optim.ConfusionMatrix"
require "tocha.optim.Logger"

return optim
