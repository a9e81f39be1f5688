--- nn.SpatialDilatedMaxPooling(kW, kH [, dW, dH, padW, padH, dilationW,
-- dilationH]): nn.SpatialMaxPooling whose kW x kH window samples every
-- dilationW-th column and dilationH-th row (Torch7's; dilations default 1).
-- oH = floor((H + 2 padH - dilationH (kH - 1) - 1) / dH) + 1, or rounded up
-- after :ceil() (then, with padding, a last window starting in the bottom
-- padding is dropped). Padded positions never win; the first maximum of a
-- window wins and NaN propagates. `indices` keeps y * W + x + 1 per output,
-- as SpatialMaxPooling. Lua over index(): one gather per kernel offset.
local tocha = require "tocha"
local utils = require "tocha.utils"
local gather = require "tocha.nn.spatial_gather"
require "tocha.nn.SpatialMaxPooling"

local SpatialDilatedMaxPooling, parent = tocha.class("nn.SpatialDilatedMaxPooling", "nn.SpatialMaxPooling")

function SpatialDilatedMaxPooling:__init(kW, kH, dW, dH, padW, padH, dilationW, dilationH)
  parent.__init(self, kW, kH, dW, dH, padW, padH)
  self.dilationW = utils.checkinteger(dilationW or 1, self.__typename, "dilationW", 1)
  self.dilationH = utils.checkinteger(dilationH or 1, self.__typename, "dilationH", 1)
end

-- Output length of one dimension (Torch7's rule).
function SpatialDilatedMaxPooling:_output_length(n, k, d, pad, dilation)
  local span = dilation * (k - 1) + 1
  local o
  if self.ceil_mode then
    o = -((-(n + 2 * pad - span)) // d) + 1
    if pad > 0 and (o - 1) * d >= n + pad then o = o - 1 end
  else
    o = (n + 2 * pad - span) // d + 1
  end
  return o
end

-- Per kernel offset of one dimension: the input index (1-based) each output
-- reads, and whether it lies inside the input (else padding).
local function offsets(o, n, k, d, pad, dilation)
  local list = {}
  for a = 0, k - 1 do
    local index, inside = tocha.LongTensor(o), {}
    for i = 1, o do
      local y = (i - 1) * d - pad + a * dilation
      inside[i] = y >= 0 and y < n
      index[i] = inside[i] and y + 1 or 1
    end
    list[a + 1] = { index = index, inside = inside }
  end
  return list
end

function SpatialDilatedMaxPooling:updateOutput(input)
  gather.check_input(self, input, 4)
  local x = input:dim() == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
  local N, C, H, W = x:size(1), x:size(2), x:size(3), x:size(4)
  local oH = self:_output_length(H, self.kH, self.dH, self.padH, self.dilationH)
  local oW = self:_output_length(W, self.kW, self.dW, self.padW, self.dilationW)
  if oH < 1 or oW < 1 then
    error(string.format("%s: input of size %s is too small for the dilated %dx%d window (output %dx%d)",
      self.__typename, utils.shape(input), self.kW, self.kH, oH, oW), 2)
  end
  local rows = offsets(oH, H, self.kH, self.dH, self.padH, self.dilationH)
  local cols = offsets(oW, W, self.kW, self.dW, self.padW, self.dilationW)
  local best = input.new(N, C, oH, oW):fill(-math.huge)
  local indices = tocha.LongTensor(N, C, oH, oW):zero()
  local size = tocha.LongStorage({ N, C, oH, oW })
  for _, r in ipairs(rows) do
    for _, c in ipairs(cols) do
      local pos, inside = tocha.LongTensor(oH, oW), tocha.LongTensor(oH, oW)
      for i = 1, oH do
        for j = 1, oW do
          pos[i][j] = (r.index[i] - 1) * W + c.index[j]
          inside[i][j] = (r.inside[i] and c.inside[j]) and 1 or 0
        end
      end
      pos = pos:view(1, 1, oH, oW):expand(size):contiguous()
      inside = inside:view(1, 1, oH, oW):expand(size):contiguous()
      local cand = x:index(3, r.index):index(4, c.index)
      -- wins: a larger value, a NaN, or the first position inside the image
      local win = cand:gt(best):long():add(cand:ne(cand):long()):add(indices:eq(0):long()):cmul(inside):gt(0)
      best:maskedCopy(win, cand:maskedSelect(win))
      indices:maskedCopy(win, pos:maskedSelect(win))
    end
  end
  self.indices = indices
  local osize = input:size()
  osize[input:dim() - 1], osize[input:dim()] = oH, oW
  self.output = best:view(osize)
  return self.output
end

function SpatialDilatedMaxPooling:updateGradInput(input, gradOutput)
  gather.check_input(self, input, 4)
  utils.check_tensor(self, gradOutput, "gradOutput")
  local x = input:dim() == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
  local N, C, H, W = x:size(1), x:size(2), x:size(3), x:size(4)
  local idx = self.indices
  if tocha.type(idx) ~= "tocha.LongTensor" or idx:dim() ~= 4 or idx:size(1) ~= N or idx:size(2) ~= C
      or gradOutput:nElement() ~= idx:nElement() or not gradOutput:isSameSizeAs(self.output) then
    error(string.format("%s: gradOutput (%s) must have the size of the last output of this input (%s)",
      self.__typename, utils.shape(gradOutput), utils.shape(self.output)), 2)
  end
  local count = idx:size(3) * idx:size(4)
  local g = gradOutput:contiguous():view(N * C, count)
  idx = idx:view(N * C, count)
  local empty = idx:eq(0) -- windows wholly in the padding (output -inf) pass nothing back
  if empty:sum() > 0 then
    g, idx = g:clone():maskedFill(empty, 0), idx:clone():maskedFill(empty, 1)
  end
  local gi = input.new(N * C, H * W):zero():scatterAdd(2, idx, g)
  self.gradInput = gi:view(input:size())
  return self.gradInput
end

function SpatialDilatedMaxPooling:__tostring__()
  return string.format("%s(%dx%d, %d,%d, %d,%d, %d,%d)", self.__typename, self.kW, self.kH, self.dW, self.dH,
    self.padW, self.padH, self.dilationW, self.dilationH)
end

return SpatialDilatedMaxPooling
