--- Shared by the spatial modules whose output pixel (i, j) copies input pixel
-- (rows[i], cols[j]) (padding by reflection or replication, nearest
-- upsampling): forward gathers with index(), backward scatters with
-- indexAdd(). Not a module.
local tocha = require "tocha"
local utils = require "tocha.utils"

local gather = {}

--- Checks that input is a non-empty 3-D or 4-D tensor; returns its (h, w) dimensions.
function gather.check_input(module, input, level)
  utils.check_tensor(module, input, "input", (level or 3) + 1)
  local dim = input:dim()
  if dim ~= 3 and dim ~= 4 then
    error(string.format("%s: input must be 3D (planes x height x width) or 4D (batch x planes x height x width), "
      .. "got size %s", module.__typename, utils.shape(input)), (level or 3) + 1)
  end
  if input:nElement() == 0 then
    error(string.format("%s: input must not be empty, got size %s", module.__typename, utils.shape(input)),
      (level or 3) + 1)
  end
  return dim - 1, dim
end

--- A LongTensor of n 1-based indices f(1), ..., f(n).
function gather.map(n, f)
  local idx = tocha.LongTensor(n)
  for i = 1, n do idx[i] = f(i) end
  return idx
end

function gather.forward(module, input, rows, cols)
  local hd, wd = input:dim() - 1, input:dim()
  module.output = input:index(hd, rows):index(wd, cols)
  return module.output
end

function gather.backward(module, input, gradOutput, rows, cols)
  utils.check_tensor(module, gradOutput, "gradOutput", 4)
  local hd, wd = input:dim() - 1, input:dim()
  local size = input:size()
  size[hd], size[wd] = rows:size(1), cols:size(1)
  if not gradOutput:isSize(size) then
    error(string.format("%s: gradOutput must have size %s, got %s", module.__typename,
      table.concat(size:totable(), "x"), utils.shape(gradOutput)), 3)
  end
  size[hd] = input:size(hd)
  local partial = input.new(size):zero():indexAdd(hd, rows, gradOutput)
  if tocha.type(module.gradInput) ~= tocha.type(input) then module.gradInput = input.new() end
  module.gradInput:resizeAs(input):zero():indexAdd(wd, cols, partial)
  return module.gradInput
end

--- The input window of adaptive-pooling output o (1-based) of n_out over
--- n_in: its first input (1-based) and its length, Torch7's
--- [floor((o-1) n_in / n_out), ceil(o n_in / n_out)).
function gather.adaptive_window(o, n_in, n_out)
  local first = ((o - 1) * n_in) // n_out
  local last = -((-o * n_in) // n_out)
  return first + 1, last - first
end

return gather
