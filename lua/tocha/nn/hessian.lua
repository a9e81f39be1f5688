--- nn.hessian: estimates of the diagonal of the Hessian (Torch7's
-- hessian.lua, experimental there too).  nn.hessian.enable() adds
-- updateDiagHessianInput, accDiagHessianParameters and
-- initDiagHessianParameters to Module, Sequential, MSECriterion, Linear,
-- Tanh, Square, Sqrt and Reshape, SpatialConvolution, SpatialFullConvolution and
-- their connection-table forms SpatialConvolutionMap, SpatialFullConvolutionMap, and
-- SpatialConvolutionLocal.
-- For a layer linear in its input and weights, the diagonal Hessian is the
-- backward pass with squared weights (or squared inputs) applied to the
-- diagonal Hessian of the output; for point-wise layers, the squared
-- derivative times it.  (Unlike Torch7's, parameters() and getParameters()
-- are left as they are.)
local nn = require "tocha.nn"

local hessian = {}
nn.hessian = hessian

-- Runs f with module[a] and module[b] swapped for each pair of names.
local function with_swapped(module, as, bs, f)
  for i = 1, #as do module[as[i]], module[bs[i]] = module[bs[i]], module[as[i]] end
  local ok, err = pcall(f)
  for i = 1, #as do module[as[i]], module[bs[i]] = module[bs[i]], module[as[i]] end
  if not ok then error(err, 0) end
end

--- accGradParameters on the squared input, accumulating into the fields
-- named in hw instead of those named in gw.
function hessian.accDiagHessianParameters(module, input, diagHessianOutput, gw, hw)
  if #gw ~= #hw then error("nn.hessian: as many gradient as Hessian names expected", 2) end
  module.inputSq = module.inputSq or input.new()
  module.inputSq:resizeAs(input):copy(input):cmul(input)
  -- only the gradients the module has (no gradBias after noBias())
  local g, h = {}, {}
  for i = 1, #gw do
    if module[gw[i]] ~= nil then
      if module[hw[i]] == nil then module[hw[i]] = module[gw[i]].new():resizeAs(module[gw[i]]):zero() end
      g[#g + 1], h[#h + 1] = gw[i], hw[i]
    end
  end
  with_swapped(module, g, h, function()
    module.accGradParameters(module, module.inputSq, diagHessianOutput, 1)
  end)
end

--- updateGradInput with the weights named in w squared, into
-- module.diagHessianInput.
function hessian.updateDiagHessianInput(module, input, diagHessianOutput, w, wsq)
  if #w ~= #wsq then error("nn.hessian: as many weight as squared-weight names expected", 2) end
  module.diagHessianInput = module.diagHessianInput or input.new()
  module.diagHessianInput:resizeAs(input)
  for i = 1, #w do
    local sq = module[wsq[i]] or module[w[i]].new()
    module[wsq[i]] = sq:resizeAs(module[w[i]]):copy(module[w[i]]):cmul(module[w[i]])
  end
  local names, others = { "gradInput" }, { "diagHessianInput" }
  for i = 1, #w do
    names[#names + 1], others[#others + 1] = w[i], wsq[i]
  end
  with_swapped(module, names, others, function()
    module.updateGradInput(module, input, diagHessianOutput)
  end)
end

--- Point-wise layers: diagHessianInput = f'(x)^2 .* diagHessianOutput.
function hessian.updateDiagHessianInputPointWise(module, input, diagHessianOutput)
  local ones = diagHessianOutput.new():resizeAs(diagHessianOutput):fill(1)
  hessian.updateDiagHessianInput(module, input, ones, {}, {})
  module.diagHessianInput:cmul(module.diagHessianInput):cmul(diagHessianOutput)
end

--- Creates the Hessian fields named in hw, shaped like the gradients in gw.
function hessian.initDiagHessianParameters(module, gw, hw)
  module.diagHessianInput = module.diagHessianInput or module.gradInput.new()
  for i = 1, #gw do
    if module[gw[i]] ~= nil then
      module[hw[i]] = module[hw[i]] or module[gw[i]].new():resizeAs(module[gw[i]]):zero()
    end
  end
end

local enabled = false

--- nn.hessian.enable(): adds the diagonal-Hessian methods (updateDiagHessianInput, ...)
-- to the modules that support them.
function hessian.enable()
  if enabled then return end
  enabled = true

  function nn.Module:updateDiagHessianInput()
    error(self.__typename .. ":updateDiagHessianInput() is undefined", 2)
  end
  function nn.Module.accDiagHessianParameters() end
  function nn.Module.initDiagHessianParameters() end

  function nn.Sequential:initDiagHessianParameters()
    for _, m in ipairs(self.modules) do m:initDiagHessianParameters() end
  end
  function nn.Sequential:updateDiagHessianInput(input, diagHessianOutput)
    local h = diagHessianOutput
    for i = #self.modules, 2, -1 do h = self.modules[i]:updateDiagHessianInput(self.modules[i - 1].output, h) end
    h = self.modules[1]:updateDiagHessianInput(input, h)
    self.diagHessianInput = h
    return h
  end
  function nn.Sequential:accDiagHessianParameters(input, diagHessianOutput)
    local h = diagHessianOutput
    for i = #self.modules, 2, -1 do
      self.modules[i]:accDiagHessianParameters(self.modules[i - 1].output, h)
      h = self.modules[i].diagHessianInput
    end
    self.modules[1]:accDiagHessianParameters(input, h)
  end

  function nn.Criterion:updateDiagHessianInput()
    error(self.__typename .. ":updateDiagHessianInput() is undefined", 2)
  end
  function nn.MSECriterion:updateDiagHessianInput(input)
    self.diagHessianInput = self.diagHessianInput or input.new()
    local val = self.sizeAverage and 2 / input:nElement() or 2
    self.diagHessianInput:resizeAs(input):fill(val)
    return self.diagHessianInput
  end

  -- layers linear in input and weights
  local function linear_layer(cls, weights, grads, hessians)
    function cls:updateDiagHessianInput(input, diagHessianOutput)
      local sq = {}
      for i, w in ipairs(weights) do sq[i] = w .. "Sq" end
      hessian.updateDiagHessianInput(self, input, diagHessianOutput, weights, sq)
      return self.diagHessianInput
    end
    function cls:accDiagHessianParameters(input, diagHessianOutput)
      hessian.accDiagHessianParameters(self, input, diagHessianOutput, grads, hessians)
    end
    function cls:initDiagHessianParameters()
      hessian.initDiagHessianParameters(self, grads, hessians)
    end
  end
  linear_layer(nn.Linear, { "weight" }, { "gradWeight", "gradBias" }, { "diagHessianWeight", "diagHessianBias" })
  for _, name in ipairs({ "SpatialConvolution", "SpatialFullConvolution", "SpatialConvolutionMap",
    "SpatialFullConvolutionMap", "SpatialConvolutionLocal" }) do
    if rawget(nn, name) then
      linear_layer(nn[name], { "weight" }, { "gradWeight", "gradBias" }, { "diagHessianWeight", "diagHessianBias" })
    end
  end

  for _, name in ipairs({ "Tanh", "Square", "Sqrt" }) do
    nn[name].updateDiagHessianInput = function(self, input, diagHessianOutput)
      hessian.updateDiagHessianInputPointWise(self, input, diagHessianOutput)
      return self.diagHessianInput
    end
  end

  function nn.Reshape:updateDiagHessianInput(input, diagHessianOutput)
    self.diagHessianInput = diagHessianOutput:contiguous():viewAs(input)
    return self.diagHessianInput
  end
end

return hessian
