-- tocha.nn: neural network modules with Torch7's protocol.
local tocha = require "tocha"

local nn = {}
tocha.class.namespace("nn", nn)
package.loaded["tocha.nn"] = nn

require "tocha.nn.Module"
require "tocha.nn.Container"
require "tocha.nn.Sequential"
require "tocha.nn.Dropout"
require "tocha.nn.SpatialDropout"

require "tocha.nn.Linear"
require "tocha.nn.Identity"
require "tocha.nn.ReLU"
require "tocha.nn.LeakyReLU"
require "tocha.nn.ELU"
require "tocha.nn.Tanh"
require "tocha.nn.Sigmoid"
require "tocha.nn.SoftMax"
require "tocha.nn.LogSoftMax"
require "tocha.nn.View"
require "tocha.nn.Reshape"
require "tocha.nn.Concat"
require "tocha.nn.ConcatTable"
require "tocha.nn.Parallel"
require "tocha.nn.CAddTable"
require "tocha.nn.CSubTable"
require "tocha.nn.CMulTable"
require "tocha.nn.CDivTable"
require "tocha.nn.CMaxTable"
require "tocha.nn.CMinTable"
require "tocha.nn.JoinTable"
require "tocha.nn.SplitTable"
require "tocha.nn.SelectTable"
require "tocha.nn.NarrowTable"
require "tocha.nn.MM"
require "tocha.nn.MV"
require "tocha.nn.Criterion"
require "tocha.nn.MSECriterion"
require "tocha.nn.ClassNLLCriterion"
require "tocha.nn.CrossEntropyCriterion"
require "tocha.nn.BCECriterion"
require "tocha.nn.Jacobian"

return nn
