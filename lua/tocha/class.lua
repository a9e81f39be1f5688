--- Torch7-style classes: tocha.class("nn.Linear", "nn.Module") returns the
-- new class and its parent.  A class is the metatable of its instances;
-- calling the class makes an instance and runs its __init.
local class = {}

local registry = {}    -- class name -> class
local namespaces = {}  -- "nn" -> the table where "nn.X" classes are published

--- Publishes classes named "<prefix>.X" into `tbl` as tbl.X.
function class.namespace(prefix, tbl)
  namespaces[prefix] = tbl
  for name, cls in pairs(registry) do
    local p, short = name:match("^(.-)%.([^.]+)$")
    if p == prefix then tbl[short] = cls end
  end
end

--- The class registered under `name`, or nil.
function class.get(name)
  return registry[name]
end

local function instantiate(cls, ...)
  local obj = setmetatable({}, cls)
  obj:__init(...)
  return obj
end

-- Metamethods are not inherited through __index, so every class carries
-- these forwarding ones; methods named __tostring__ / __call__ are.
local function tostring_forward(self)
  return self:__tostring__()
end

local function call_forward(self, ...)
  return self:__call__(...)
end

--- tocha.class(name [, parentName]) -> class, parent
function class.new(name, parent_name)
  if type(name) ~= "string" or name == "" then
    error(string.format("bad argument #1 to 'class' (class name expected, got %s)", type(name)), 2)
  end
  if registry[name] then
    error(string.format("bad argument #1 to 'class' (class '%s' already exists)", name), 2)
  end
  local parent
  if parent_name ~= nil then
    parent = registry[parent_name]
    if not parent then
      error(string.format("bad argument #2 to 'class' (unknown parent class '%s')", tostring(parent_name)), 2)
    end
  end
  local cls = {}
  cls.__index = cls
  cls.__typename = name
  cls.__tostring = tostring_forward
  cls.__call = call_forward
  setmetatable(cls, { __index = parent, __call = instantiate, __tostring = function() return name end })
  if not rawget(cls, "__init") and not parent then
    cls.__init = function() end
  end
  registry[name] = cls
  local prefix, short = name:match("^(.-)%.([^.]+)$")
  if prefix and namespaces[prefix] then namespaces[prefix][short] = cls end
  return cls, parent
end

--- Is `obj` an instance of class `name` or of one of its subclasses?
function class.istype(obj, name)
  local mt = getmetatable(obj)
  while type(mt) == "table" do
    if rawget(mt, "__typename") == name then return true end
    local up = getmetatable(mt)
    mt = up and up.__index
  end
  return false
end

return class
