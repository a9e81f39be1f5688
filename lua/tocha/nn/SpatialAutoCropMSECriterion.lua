-- nn.SpatialAutoCropMSECriterion([sizeAverage]): MSECriterion between an
-- image (planes, H, W) or batch (batch, planes, H, W) and the centre of a
-- target at least as large (Torch7's module): the target is cropped to the
-- input's height and width, starting at 1 + floor((targetH - H) / 2) (so for
-- W), then compared as MSECriterion(sizeAverage) does.
local tocha = require "tocha"
local utils = require "tocha.utils"

local SpatialAutoCropMSECriterion, parent = tocha.class("nn.SpatialAutoCropMSECriterion", "nn.MSECriterion")
local NAME = "nn.SpatialAutoCropMSECriterion"

-- The target's centre of the input's spatial size (a view).
local function crop(input, target)
  if not tocha.isTensor(input) or not tocha.isTensor(target) then
    error(string.format("%s: input and target must be tensors, got %s and %s", NAME, tocha.type(input),
      tocha.type(target)), 0)
  end
  local d = input:dim()
  if (d ~= 3 and d ~= 4) or target:dim() ~= d then
    error(string.format("%s: input and target must both be 3D (planes x H x W) or 4D (batch x planes x H x W), "
      .. "got sizes %s and %s", NAME, utils.shape(input), utils.shape(target)), 0)
  end
  if input:size(d - 2) ~= target:size(d - 2) then
    error(string.format("%s: target and input must have same number of channels, got %d and %d", NAME,
      target:size(d - 2), input:size(d - 2)), 0)
  end
  if d == 4 and input:size(1) ~= target:size(1) then
    error(string.format("%s: target and input must have same batch size, got %d and %d", NAME, target:size(1),
      input:size(1)), 0)
  end
  local h, w, th, tw = input:size(d - 1), input:size(d), target:size(d - 1), target:size(d)
  if h > th or w > tw then
    error(string.format("%s: input resolution must be smaller or equal to the spatial resolution of the target, "
      .. "got %dx%d and %dx%d", NAME, h, w, th, tw), 0)
  end
  return target:narrow(d - 1, 1 + (th - h) // 2, h):narrow(d, 1 + (tw - w) // 2, w)
end

function SpatialAutoCropMSECriterion:updateOutput(input, target)
  return parent.updateOutput(self, input, crop(input, target))
end

function SpatialAutoCropMSECriterion:updateGradInput(input, target)
  return parent.updateGradInput(self, input, crop(input, target))
end

return SpatialAutoCropMSECriterion
