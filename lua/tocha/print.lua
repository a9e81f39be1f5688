--- tocha.print: Torch7-style textual rendering of tensors.
--
-- The layout follows Torch7's Tensor.__tostring__ rules:
--   * one common number format is chosen for the whole tensor (all slices);
--   * integer-valued data prints as "%Nd" with N = digits + 1 (room for a sign);
--   * other data prints with 4 decimals ("%N.4f"), or in "%11.4e" when the
--     magnitudes span more than 4 decades, or with a common "<scale> *" line
--     when every magnitude is >= 1e5 or < 0.1;
--   * matrices wrap at 80 characters under "Columns a to b" headers;
--   * tensors of more than 2 dimensions print each 2-D slice under a
--     "(i,j,.,.) = " header, the first index varying fastest (as in Torch7);
--   * a footer "[<type> of size AxBxC]" ends the text, followed by a newline.
-- Print options (M.setprintoptions, exported as tocha.setprintoptions):
--   * threshold (1000): a tensor of more elements is summarised: along each
--     dimension longer than 2*edgeitems only the first and last edgeitems
--     indices are shown, the rest replaced by "..." (a cell, a line, or a
--     line between slices); the footer always gives the full shape and type;
--   * edgeitems (3), precision (4 decimals), linewidth (80 characters).
-- Deliberate differences from Torch7:
--   * nan / inf / -inf are left out of the format choice and print as
--     "nan", "inf", "-inf" right-aligned in the column width;
--   * integer tensor types (Byte, Char, Short, Int, Long) always print as exact
--     integers, even beyond 1e9 (Torch7 went through doubles and switched to
--     "%e" there);
--   * in wrapped slices of >2-D tensors every "Columns" header is indented
--     alike (Torch7 indented only the first one).
--
-- Interface needed from a tensor t: t:dim(), t:size(d), t:nElement(),
-- t:select(1, i), t:totable() (1-D only) and t:type().

local M = {}

local floor, abs, log, huge = math.floor, math.abs, math.log, math.huge
local sformat, srep, concat = string.format, string.rep, table.concat

local DEFAULTS = { threshold = 1000, edgeitems = 3, precision = 4, linewidth = 80 }
local options = {}
for k, v in pairs(DEFAULTS) do options[k] = v end

-- ellipsis marker, in a row (a "..." cell) or in a list of rows (a "..." line)
local ELL = setmetatable({}, { __name = "tocha.print.ellipsis" })

local function copy_options()
   local c = {}
   for k, v in pairs(options) do c[k] = v end
   return c
end

--- Sets how tensors print (tocha.getprintoptions() gives the current ones, to restore later).
-- @tparam[opt] table opts any of `threshold` (elements above which a tensor
-- is summarised with "...", default 1000; `math.huge` prints everything),
-- `edgeitems` (indices shown at each end of a summarised dimension, default 3),
-- `precision` (decimals, default 4), `linewidth` (characters, default 80);
-- nil or `"default"` restores the defaults. Unknown keys or values that are
-- not positive integers are errors.
-- @usage tocha.setprintoptions{threshold = math.huge} -- print every element
function M.setprintoptions(opts)
   if opts == nil or opts == "default" then
      for k, v in pairs(DEFAULTS) do options[k] = v end
      return
   end
   if type(opts) ~= "table" then
      error("setprintoptions: argument #1 must be a table of options (got " .. type(opts) .. ")", 2)
   end
   for k, v in pairs(opts) do
      if DEFAULTS[k] == nil then
         error("setprintoptions: unknown option '" .. tostring(k) ..
               "' (expected threshold, edgeitems, precision or linewidth)", 2)
      end
      local ok = type(v) == "number" and (math.tointeger(v) or (k == "threshold" and v == huge))
      local min = (k == "precision" or k == "threshold") and 0 or 1
      if not ok or v < min or (k == "precision" and v > 16) then
         error(sformat("setprintoptions: option '%s' must be an integer %s (got %s)", k,
            k == "precision" and "in 0..16" or (min == 0 and ">= 0" or ">= 1"), tostring(v)), 2)
      end
   end
   for k, v in pairs(opts) do options[k] = math.tointeger(v) or v end
end

--- The current print options (a copy): threshold, edgeitems, precision, linewidth.
function M.getprintoptions()
   return copy_options()
end

local INTEGER_TYPES = {
   Byte = true, Char = true, Short = true, Int = true, Long = true,
}

--- true when the tensor type name denotes an integer element type
function M.is_integer_type(typename)
   local kind = typename and typename:match("(%a+)Tensor$")
   return kind ~= nil and INTEGER_TYPES[kind] == true
end

-- text used for a non-finite value, or nil for a finite one
local function nonfinite_text(v)
   if v ~= v then
      return "nan"
   elseif v == huge then
      return "inf"
   elseif v == -huge then
      return "-inf"
   end
   return nil
end

-- Torch7's "exponent" of a magnitude: floor(log10(a)) + 1, and 1 for zero.
local function exponent_of(a)
   if a == 0 then
      return 1
   end
   return floor(log(a, 10)) + 1
end

-- number of decimal digits of an integer, sign excluded
local function digits_of(i)
   local s = sformat("%d", i)
   if i < 0 then
      return #s - 1
   end
   return #s
end

-- Appends to `rows` the 1-D rows of t (row-major order) as plain lists.
-- shown[d] (summarised printing) lists the indices shown along dimension d
-- (ELL where "..." stands for the others); without it every index is shown.
-- Summarised, a row holds ELL for its "..." cell and the rows of a matrix
-- hold ELL for the "..." line; the dimensions before those two only skip.
local function collect_rows(t, rows, shown, d)
   d = d or 1
   if t:dim() == 1 then
      local all = t:totable()
      if not shown then
         rows[#rows + 1] = all
      else
         local row = {}
         for k, i in ipairs(shown[d]) do row[k] = (i == ELL) and ELL or all[i] end
         rows[#rows + 1] = row
      end
   elseif not shown then
      for i = 1, t:size(1) do
         collect_rows(t:select(1, i), rows)
      end
   else
      local matrix_rows = (t:dim() == 2)
      for _, i in ipairs(shown[d]) do
         if i ~= ELL then
            collect_rows(t:select(1, i), rows, shown, d + 1)
         elseif matrix_rows then
            rows[#rows + 1] = ELL
         end
      end
   end
end

-- the indices shown along each dimension of t when summarised
local function shown_indices(t, ndim)
   local e = options.edgeitems
   local shown = {}
   for d = 1, ndim do
      local n, list = t:size(d), {}
      if n > 2 * e then
         for i = 1, e do list[#list + 1] = i end
         list[#list + 1] = ELL
         for i = n - e + 1, n do list[#list + 1] = i end
      else
         for i = 1, n do list[i] = i end
      end
      shown[d] = list
   end
   return shown
end

--- Chooses the common print format for all values in `rows`.
-- Returns a table {fmt = string.format pattern, sz = column width,
-- scale = divisor or nil, integer = boolean}.
function M.print_format(rows, integer_type)
   local has_nan, has_pinf, has_ninf, has_ell = false, false, false, false
   local int_mode = true
   local any_finite = false
   local amin, amax = huge, 0
   local imin, imax = 0, 0

   local p = options.precision
   for r = 1, #rows do
      local row = rows[r]
      if row == ELL then row = {} end
      for c = 1, #row do
         local v = row[c]
         if v == ELL then
            has_ell = true
            goto next_value -- the "..." cell takes no part in the choice
         elseif v ~= v then
            has_nan = true
         elseif v == huge then
            has_pinf = true
         elseif v == -huge then
            has_ninf = true
         elseif integer_type then
            v = math.tointeger(v) or floor(v)
            if v < imin then imin = v end
            if v > imax then imax = v end
         else
            any_finite = true
            if int_mode and v ~= floor(v) then
               int_mode = false
            end
            local a = abs(v + 0.0)
            if a < amin then amin = a end
            if a > amax then amax = a end
         end
         ::next_value::
      end
   end

   local fmt, sz, scale
   if integer_type then
      local d = digits_of(imin)
      local d2 = digits_of(imax)
      if d2 > d then d = d2 end
      sz = d + 1
      fmt = "%" .. sz .. "d"
   else
      if not any_finite then
         amin, amax = 0, 0
      end
      local exp_min, exp_max = exponent_of(amin), exponent_of(amax)
      local wide_exp = abs(exp_max) > 99 or abs(exp_min) > 99
      local efmt_sz = (wide_exp and 8 or 7) + p
      local efmt = "%" .. efmt_sz .. "." .. p .. "e"
      if int_mode then
         if exp_max > 9 then
            sz, fmt = efmt_sz, efmt
         else
            sz = exp_max + 1
            fmt = "%" .. sz .. "d"
         end
      elseif exp_max - exp_min > 4 then
         sz, fmt = efmt_sz, efmt
      elseif exp_max > 5 or exp_max < 0 then
         sz = 3 + p
         fmt = "%" .. sz .. "." .. p .. "f"
         scale = 10.0 ^ (exp_max - 1)
      else
         sz = (exp_max == 0) and (3 + p) or (exp_max + 2 + p)
         fmt = "%" .. sz .. "." .. p .. "f"
      end
   end

   -- make room for non-finite values
   local need = has_ninf and 4 or ((has_nan or has_pinf or has_ell) and 3 or 0)
   if need > sz then
      fmt = fmt:gsub("^%%%d+", "%%" .. need)
      sz = need
   end
   if scale == 1 then
      scale = nil
   end
   return { fmt = fmt, sz = sz, scale = scale, integer = (fmt:sub(-1) == "d") }
end

-- Returns a function formatting one value with the chosen format.
local function value_formatter(pf)
   local fmt, sz, scale = pf.fmt, pf.sz, pf.scale
   local is_int = pf.integer
   local pad = {}
   local function special(text)
      if text == ELL then text = "..." end
      local s = pad[text]
      if not s then
         s = srep(" ", sz - #text) .. text
         pad[text] = s
      end
      return s
   end
   if scale then
      return function(v)
         local nf = (v == ELL) and ELL or nonfinite_text(v)
         if nf then return special(nf) end
         return sformat(fmt, v / scale)
      end
   elseif is_int then
      return function(v)
         local nf = (v == ELL) and ELL or nonfinite_text(v)
         if nf then return special(nf) end
         if v ~= v // 1 then v = floor(v) end -- defensive: never error on %d
         return sformat(fmt, v)
      end
   else
      return function(v)
         local nf = (v == ELL) and ELL or nonfinite_text(v)
         if nf then return special(nf) end
         return sformat(fmt, v)
      end
   end
end

-- Appends the lines of one matrix, made of rows[first_row .. first_row+nrows-1]
-- (ELL rows print as "..."); cols lists the column indices shown (ELL for "...").
local function render_matrix(out, rows, first_row, nrows, cols, pf, fmtv, indent)
   local ncols = #cols
   local per_line = (options.linewidth - #indent) // (pf.sz + 1)
   if per_line < 1 then per_line = 1 end
   local row_prefix = pf.scale and (indent .. " ") or indent
   local scale_line = pf.scale and (indent .. sformat("%g", pf.scale) .. " *\n")
   local cells = {}
   local first_col = 1
   while first_col <= ncols do
      local last_col = first_col + per_line - 1
      if last_col > ncols then last_col = ncols end
      if per_line < ncols then
         if first_col ~= 1 then
            out[#out + 1] = "\n"
         end
         local a, b = cols[first_col], cols[last_col]
         if a == ELL then a = cols[first_col + 1] or cols[first_col - 1] end
         if b == ELL then b = cols[last_col - 1] or cols[last_col + 1] end
         out[#out + 1] = indent .. "Columns " .. a .. " to " .. b .. "\n"
      end
      if scale_line then
         out[#out + 1] = scale_line
      end
      for r = first_row, first_row + nrows - 1 do
         local row = rows[r]
         if row == ELL then
            out[#out + 1] = row_prefix .. "...\n"
         else
            local n = 0
            for c = first_col, last_col do
               n = n + 1
               cells[n] = fmtv(row[c])
            end
            for k = #cells, n + 1, -1 do cells[k] = nil end
            out[#out + 1] = row_prefix
            out[#out + 1] = concat(cells, " ")
            out[#out + 1] = "\n"
         end
      end
      first_col = last_col + 1
   end
end

local function size_string(t, ndim)
   local parts = {}
   for d = 1, ndim do
      parts[d] = tostring(t:size(d))
   end
   return concat(parts, "x")
end

--- Torch7-style string for tensor t (used as __tostring).
function M.tensor_tostring(t)
   local typename = t:type()
   local ndim = t:dim()
   if ndim == 0 then
      return "[" .. typename .. " with no dimension]\n"
   end
   local footer = "[" .. typename .. " of size " .. size_string(t, ndim) .. "]\n"
   if t:nElement() == 0 then
      return footer
   end

   local summarised = t:nElement() > options.threshold
   local shown = summarised and shown_indices(t, ndim) or nil
   local rows = {}
   collect_rows(t, rows, shown)
   local pf = M.print_format(rows, M.is_integer_type(typename))
   local fmtv = value_formatter(pf)
   local out = {}
   if not shown then
      shown = {}
      for d = 1, ndim do
         local list = {}
         for i = 1, t:size(d) do list[i] = i end
         shown[d] = list
      end
   end

   if ndim == 1 then
      local row = rows[1]
      if pf.scale then
         out[#out + 1] = sformat("%g", pf.scale) .. " *\n"
      end
      local n = #row
      local lines = {}
      for i = 1, n do
         lines[i] = fmtv(row[i])
      end
      out[#out + 1] = concat(lines, "\n")
      out[#out + 1] = "\n"
   elseif ndim == 2 then
      render_matrix(out, rows, 1, #shown[1], shown[2], pf, fmtv, "")
   else
      -- slices are enumerated with the first index varying fastest (Torch7);
      -- lead[i] lists the indices shown along leading dimension i, and
      -- gap[i] the position in it that follows a "..." (summarised printing)
      local nlead = ndim - 2
      local lead, gap = {}, {}
      for i = 1, nlead do
         local list = {}
         for _, idx in ipairs(shown[i]) do
            if idx == ELL then gap[i] = #list + 1 else list[#list + 1] = idx end
         end
         lead[i] = list
      end
      local nrows = #shown[ndim - 1]
      local counter, header = {}, {}
      for i = 1, nlead do counter[i] = 1 end
      local first = true
      while true do
         -- linear (row-major) slice number from the counter
         local slice = 0
         for i = 1, nlead do
            slice = slice * #lead[i] + (counter[i] - 1)
         end
         if not first then
            out[#out + 1] = "\n"
            -- a "..." line where the counter has just jumped over hidden slices
            for i = 1, nlead do
               if counter[i] == gap[i] then
                  out[#out + 1] = "...\n\n"
                  break
               elseif counter[i] ~= 1 then
                  break
               end
            end
         end
         first = false
         for i = 1, nlead do header[i] = lead[i][counter[i]] end
         out[#out + 1] = "(" .. concat(header, ",") .. ",.,.) = \n"
         render_matrix(out, rows, slice * nrows + 1, nrows, shown[ndim], pf, fmtv, " ")
         -- advance the counter
         local i = 1
         while i <= nlead do
            counter[i] = counter[i] + 1
            if counter[i] <= #lead[i] then break end
            counter[i] = 1
            i = i + 1
         end
         if i > nlead then break end
      end
   end

   out[#out + 1] = footer
   return concat(out)
end

M.__tostring = M.tensor_tostring

return M
