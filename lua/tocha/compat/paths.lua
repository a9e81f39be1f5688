--- A minimal Torch7 `paths` package: the calls training scripts make.
-- Uses LuaFileSystem (lfs) when it is installed, plain io/os otherwise.
local paths = {}

local has_lfs, lfs = pcall(require, "lfs")
if not has_lfs then lfs = nil end

local function check_string(fname, v, n)
  if type(v) ~= "string" then
    error(string.format("bad argument #%d to '%s' (string expected, got %s)", n or 1, fname, type(v)), 3)
  end
end

local function shell_quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

--- The current directory.
function paths.cwd()
  if lfs then return lfs.currentdir() end
  local pwd = os.getenv("PWD") -- Lua cannot change directory, so it stays right
  if pwd then return pwd end
  local p = io.popen("pwd")
  local dir = p and p:read("l")
  if p then p:close() end
  return dir
end

--- Does `path` name an existing file that is not a directory?
function paths.filep(path)
  check_string("filep", path)
  if lfs then
    local mode = lfs.attributes(path, "mode")
    return mode ~= nil and mode ~= "directory"
  end
  local f = io.open(path, "r")
  if not f then return false end
  local _, _, code = f:read(0)
  f:close()
  return code ~= 21 -- EISDIR
end

--- Does `path` name an existing directory?
function paths.dirp(path)
  check_string("dirp", path)
  if lfs then return lfs.attributes(path, "mode") == "directory" end
  local f = io.open(path .. "/.", "r")
  if f then f:close() end
  return f ~= nil
end

--- The last component of `path`, without `suffix` ("t7" or ".t7") if given.
function paths.basename(path, suffix)
  check_string("basename", path)
  local trimmed = path:gsub("/+$", "")
  if trimmed == "" then return path:sub(1, 1) == "/" and "/" or "" end
  local base = trimmed:match("([^/]*)$")
  if suffix then
    check_string("basename", suffix, 2)
    if suffix:sub(1, 1) ~= "." then suffix = "." .. suffix end
    if #base > #suffix and base:sub(-#suffix) == suffix then base = base:sub(1, -#suffix - 1) end
  end
  return base
end

--- The directory part of `path` ("." when there is none).
function paths.dirname(path)
  check_string("dirname", path)
  local trimmed = path:gsub("/+$", "")
  if trimmed == "" then return path:sub(1, 1) == "/" and "/" or "." end
  local dir = trimmed:match("^(.*)/[^/]*$")
  if dir == nil then return "." end
  dir = dir:gsub("/+$", "")
  if dir == "" then return "/" end
  return dir
end

--- The extension of `path` without the dot, or nil.
function paths.extname(path)
  check_string("extname", path)
  return paths.basename(path):match("^.+%.([^.]+)$")
end

local function normalize(path)
  local absolute = path:sub(1, 1) == "/"
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." and #parts > 0 and parts[#parts] ~= ".." then
      parts[#parts] = nil
    elseif part ~= "." and not (part == ".." and absolute) then
      parts[#parts + 1] = part
    end
  end
  local joined = table.concat(parts, "/")
  if absolute then return "/" .. joined end
  return joined == "" and "." or joined
end

--- paths.concat(p1, p2, ...): p1 relative to the current directory, p2
-- relative to that, ...; an absolute component starts again.  Without
-- arguments, the current directory.
function paths.concat(...)
  local result = paths.cwd()
  for i = 1, select("#", ...) do
    local p = select(i, ...)
    if type(p) ~= "string" then
      error(string.format("bad argument #%d to 'concat' (string expected, got %s)", i, type(p)), 2)
    end
    if p:sub(1, 1) == "/" then result = p else result = result .. "/" .. p end
  end
  return normalize(result)
end

--- paths.mkdir(path) -> true, or nil and a message.  Creates the missing
-- parent directories too (Torch7 made only the last one); an existing
-- directory is a success.
function paths.mkdir(path)
  check_string("mkdir", path)
  if paths.dirp(path) then return true end
  if lfs then
    local parent = paths.dirname(path)
    if parent ~= path and not paths.dirp(parent) then
      local ok, err = paths.mkdir(parent)
      if not ok then return nil, err end
    end
    local ok, err = lfs.mkdir(path)
    if ok or paths.dirp(path) then return true end
    return nil, err
  end
  os.execute("mkdir -p -- " .. shell_quote(path) .. " 2>/dev/null")
  if paths.dirp(path) then return true end
  return nil, "cannot create directory " .. path
end

--- The entries of directory `path` (including "." and ".."), or nil.
function paths.dir(path)
  check_string("dir", path)
  if not paths.dirp(path) then return nil end
  local names = {}
  if lfs then
    for name in lfs.dir(path) do names[#names + 1] = name end
  else
    local p = io.popen("ls -a1 -- " .. shell_quote(path) .. " 2>/dev/null")
    for name in p:lines() do names[#names + 1] = name end
    p:close()
  end
  table.sort(names)
  return names
end

--- An iterator over the entries of `path`, optionally only those whose
-- name matches the Lua pattern (or passes the function) `include`.
function paths.files(path, include)
  local names = paths.dir(path) or {}
  local i = 0
  return function()
    while true do
      i = i + 1
      local name = names[i]
      if name == nil then return nil end
      if include == nil or (type(include) == "function" and include(name))
          or (type(include) == "string" and name:find(include)) then
        return name
      end
    end
  end
end

--- The home directory.
paths.home = os.getenv("HOME")

--- A fresh temporary file name.
function paths.tmpname()
  return os.tmpname()
end

return paths
