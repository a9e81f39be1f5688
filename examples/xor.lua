-- Train a small MLP with Dropout on XOR with a manual SGD loop, Torch7
-- style, then check it in evaluate mode.
--   lua5.4 examples/xor.lua        (paths: see README "Running the examples")
local tocha = require "tocha"
local nn = require "tocha.nn"

tocha.manualSeed(1)
tocha.setdefaulttensortype("tocha.DoubleTensor")

-- The four XOR points, each repeated so a batch has some noise to average.
local inputs = tocha.Tensor({ { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } }):repeatTensor(16, 1)
local targets = tocha.LongTensor({ 1, 2, 2, 1 }):repeatTensor(16)

local net = nn.Sequential()
  :add(nn.Linear(2, 32)):add(nn.ReLU()):add(nn.Dropout(0.2))
  :add(nn.Linear(32, 2)):add(nn.LogSoftMax())
local criterion = nn.ClassNLLCriterion()
print(net)

local learningRate = 0.2
for epoch = 1, 500 do
  net:zeroGradParameters()
  local output = net:forward(inputs)
  local loss = criterion:forward(output, targets)
  net:backward(inputs, criterion:backward(output, targets))
  net:updateParameters(learningRate)
  if epoch % 100 == 0 then print(("epoch %3d  training loss %.4f"):format(epoch, loss)) end
end

net:evaluate()
local scores = net:forward(inputs)
local _, predicted = scores:max(2)
local errors = predicted:view(-1):ne(targets):sum()
print(("evaluate mode: %d errors out of %d"):format(errors, targets:nElement()))
for i = 1, 4 do
  print(("  %d xor %d -> %d"):format(inputs[i][1], inputs[i][2], predicted[i][1] - 1))
end
