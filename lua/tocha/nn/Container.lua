--- nn.Container: a module made of child modules (Torch7's nn.Container).
local tocha = require "tocha"

local Container, parent = tocha.class("nn.Container", "nn.Module")

function Container:__init(...)
  parent.__init(self, ...)
  self.modules = {}
end

local function check_module(module, fname)
  if not tocha.class.istype(module, "nn.Module") then
    error(string.format("bad argument #1 to '%s' (nn.Module expected, got %s)", fname, tocha.type(module)), 3)
  end
end

--- Appends module to the container; returns self.
function Container:add(module)
  check_module(module, "add")
  self.modules[#self.modules + 1] = module
  return self
end

--- The module at index (1-based).
function Container:get(index)
  local m = self.modules[index]
  if not m then
    error(string.format("bad argument #1 to 'get' (index %s out of range 1..%d)", tostring(index), #self.modules), 2)
  end
  return m
end

--- The number of modules in the container.
function Container:size()
  return #self.modules
end

-- Passes the results of a successful pcall through, or re-raises its
-- error with the child's place.  Varargs instead of table.pack: a call
-- through a container allocates nothing.
local function rethrow(self, index, ok, ...)
  if ok then return ... end
  local err = ...
  if type(err) == "string" then
    -- Torch7's form: "In <i> module of <container>:\n" before the child's message
    err = string.format("In %d module of %s:\n%s", index, self.__typename, err)
  end
  error(err, 0)
end

--- Runs module[method](...) and prefixes any error with the child's place,
-- so a failure deep in a network says where it happened.
function Container:rethrowErrors(module, index, method, ...)
  return rethrow(self, index, pcall(module[method], module, ...))
end

--- Zeroes the gradients of every module.
function Container:zeroGradParameters()
  for _, m in ipairs(self.modules) do m:zeroGradParameters() end
end

--- parameters = parameters - learningRate * gradients, for every module.
function Container:updateParameters(learningRate)
  for _, m in ipairs(self.modules) do m:updateParameters(learningRate) end
end

--- Puts the container and every module in training mode.
function Container:training()
  parent.training(self)
  for _, m in ipairs(self.modules) do m:training() end
end

--- Puts the container and every module in evaluation mode.
function Container:evaluate()
  parent.evaluate(self)
  for _, m in ipairs(self.modules) do m:evaluate() end
end

--- Makes every module share the named fields with the matching module of other.
function Container:share(other, ...)
  for i, m in ipairs(self.modules) do m:share(other.modules[i], ...) end
  return self
end

--- Re-initialises the parameters of every module (stdv as for each module's reset).
function Container:reset(stdv)
  for _, m in ipairs(self.modules) do m:reset(stdv) end
end

--- The parameters and gradients of every module, as two flat lists.
function Container:parameters()
  local params, gradParams = {}, {}
  for _, m in ipairs(self.modules) do
    local p, g = m:parameters()
    if p then
      table.move(p, 1, #p, #params + 1, params)
      table.move(g, 1, #g, #gradParams + 1, gradParams)
    end
  end
  return params, gradParams
end

--- Frees the buffers (output, gradInput, ...) of the container and its modules.
function Container:clearState()
  parent.clearState(self)
  for _, m in ipairs(self.modules) do m:clearState() end
  return self
end

return Container
