-- The convolutional family and Torch7: .t7 round trips of every module
-- (outputs equal after loading), files of older Torch7 versions (a
-- convolution with one `padding`, SpatialDropout without v2), and Torch7's
-- SpatialDropout semantics under tocha.compat.
local tocha = require "tocha"
local nn = require "tocha.nn"

local function tmpname() return os.tmpname() .. ".t7" end

local function reload(obj, patch)
  local path = tmpname()
  if patch then patch(obj) end
  tocha.save(path, obj, "t7")
  local back = tocha.load(path)
  os.remove(path)
  return back
end

describe("Spatial modules in .t7 files", function()
  it("load with their fields and compute what they computed", function()
    tocha.manualSeed(3)
    local net = nn.Sequential()
      :add(nn.SpatialConvolution(2, 4, 3, 3, 1, 1, 1, 1))
      :add(nn.SpatialBatchNormalization(4))
      :add(nn.ReLU())
      :add(nn.SpatialMaxPooling(2, 2, 2, 2):ceil())
      :add(nn.SpatialConvolutionMM(4, 3, 2, 2))
      :add(nn.SpatialAveragePooling(2, 2, 1, 1, 1, 1):setCountExcludePad())
      :add(nn.SpatialZeroPadding(1, -1, 0, 2))
    local x = tocha.Tensor(3, 2, 7, 7):uniform()
    net:forward(x) -- moves the running statistics
    net:evaluate()
    local before = net:forward(x):clone()
    local back = reload(net)
    assert.equal("nn.SpatialConvolutionMM", tocha.type(back.modules[5]))
    assert.is_true(back.modules[4].ceil_mode)
    assert.is_false(back.modules[6].count_include_pad)
    assert.same(net.modules[1].weight:size():totable(), back.modules[1].weight:size():totable())
    assert.equal(0, (back:forward(x) - before):abs():max())
  end)

  it("reads a convolution of Torch7 versions that kept one `padding`", function()
    local m = nn.SpatialConvolution(1, 2, 3, 3, 1, 1, 1, 1)
    local x = tocha.Tensor(1, 5, 5):uniform()
    local y = m:forward(x):clone()
    local back = reload(m, function(o) o.padding = 1; o.padW, o.padH = nil, nil end)
    assert.equal(1, back.padW)
    assert.equal(0, (back:forward(x) - y):abs():max())
  end)

  it("reads Torch7's SpatialDropout (no v2 field) with Torch7's scaling", function()
    local m = nn.SpatialDropout(0.25)
    local back = reload(m, function(o) o.v2 = nil end)
    assert.is_false(back.v2)
    back:evaluate()
    local x = tocha.Tensor(2, 3, 4, 4):uniform()
    assert.is_true((back:forward(x) - x * 0.75):abs():max() < 1e-6)
    -- tocha's own files keep tocha's scaling
    local own = reload(nn.SpatialDropout(0.25))
    assert.is_true(own.v2)
  end)
end)

describe("tocha.compat", function()
  it("squeezes a one-element tensor to its number, as Torch7 (plain tocha keeps a tensor)", function()
    local plain = tocha.Tensor(1, 1):fill(3):squeeze()
    assert.is_true(tocha.isTensor(plain))
    require "tocha.compat"
    local torch = package.loaded.torch
    assert.are.equal(3, torch.Tensor(1, 1):fill(3):squeeze())
    assert.are.equal(4, torch.LongTensor(1):fill(4):squeeze())
    assert.are.same({ 2 }, torch.Tensor(2, 1):squeeze():size():totable())
    assert.is_true(torch.isTensor(torch.Tensor(1, 1):squeeze(1)))
  end)

  it("gives Torch7's SpatialDropout(p, stochasticInference): v1 scaling", function()
    require "tocha.compat"
    tocha.manualSeed(5)
    local m = nn.SpatialDropout(0.5)
    assert.is_false(m.v2)
    local x = tocha.Tensor(8, 16, 3, 3):fill(1)
    local y = m:forward(x)
    -- survivors are kept as they are (Torch7: no scaling in training)
    assert.equal(1, y:max())
    assert.equal(0, y:min())
    m:evaluate()
    assert.is_true((m:forward(x) - 0.5):abs():max() < 1e-7)
    assert.is_true(nn.SpatialDropout(0.5, true).stochasticInference)
  end)
end)
