-- nn.tables: connection tables for SpatialConvolutionMap and
-- SpatialFullConvolutionMap, as Torch7: nConnections x 2 tensors whose rows
-- are {input plane, output plane} (1-based), grouped by output plane.
--   nn.tables.full(nin, nout)           every input to every output
--   nn.tables.oneToOne(nfeat)           input i to output i
--   nn.tables.random(nin, nout, nto)    each output from nto distinct inputs
--                                       drawn at random (torch's generator)
local tocha = require "tocha"
local utils = require "tocha.utils"

local tables = {}

local function int(v, what, min)
  return utils.checkinteger(v, "nn.tables", what, min, 4)
end

--- nn.tables.full(nin, nout): the connection table linking every input plane to every output plane
-- (an nin*nout x 2 tensor of {input, output} pairs, as Torch7).
function tables.full(nin, nout)
  nin, nout = int(nin, "nin", 1), int(nout, "nout", 1)
  local ft = tocha.Tensor(nin * nout, 2)
  local p = 1
  for j = 1, nout do
    for i = 1, nin do
      ft[p][1], ft[p][2] = i, j
      p = p + 1
    end
  end
  return ft
end

--- nn.tables.oneToOne(n): the connection table linking input plane i to output plane i.
function tables.oneToOne(nfeat)
  nfeat = int(nfeat, "nfeat", 1)
  local ft = tocha.Tensor(nfeat, 2)
  for i = 1, nfeat do ft[i][1], ft[i][2] = i, i end
  return ft
end

--- nn.tables.random(nin, nout, nto): each output plane connected to nto input planes drawn at random
-- (tocha's generator), as Torch7.
function tables.random(nin, nout, nto)
  nin, nout, nto = int(nin, "nin", 1), int(nout, "nout", 1), int(nto, "nto", 1)
  if nto > nin then
    error(string.format("nn.tables.random: nto (%d) must be at most nin (%d)", nto, nin), 2)
  end
  local tbl = tocha.Tensor(nto * nout, 2)
  local p = 1
  for j = 1, nout do
    local perm = tocha.randperm(nin)
    for k = 1, nto do
      tbl[p][1], tbl[p][2] = perm[k], j
      p = p + 1
    end
  end
  return tbl
end

return tables
