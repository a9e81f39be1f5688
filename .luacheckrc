std = "lua54"
max_line_length = 120
-- Methods keep Torch7's signatures even where an argument is unused.
self = false
files["lua/tocha/nn"] = { unused_args = false }
-- LDoc stubs of the C functions: signatures without bodies.
files["lua/tocha/doc"] = { unused_args = false }
files["spec"] = { std = "+busted" }
exclude_files = { "build", "build-*" }
