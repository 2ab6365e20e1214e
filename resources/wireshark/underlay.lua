-- underlay.lua: names Underlay's and AWS GWLB's Geneve options in Wireshark.
--
-- Stock Wireshark shows both option classes as "Unknown" options with raw bytes
-- (geneve.option.unknown.data). This post-dissector reads each Geneve option TLV
-- (the geneve.option field) and adds named fields under an "Underlay" tree:
--
--   class 0xFFF1 (Underlay, experimental range)
--     type 0x01  underlay.geneve.src_eni          source ENI id, 8 bytes
--     type 0x02  underlay.geneve.dst_eni          destination ENI id, 8 bytes
--     type 0x03  underlay.geneve.mapping_version  mapping table version, 4 bytes
--   class 0x0108 (AWS Gateway Load Balancer)
--     type 0x01  underlay.gwlb.endpoint_id        GWLB endpoint id, 8 bytes
--     type 0x02  underlay.gwlb.attachment_id      attachment id, 8 bytes
--     type 0x03  underlay.gwlb.flow_cookie        flow cookie, 4 bytes
--
-- Install: copy into your personal Lua plugins folder (Help > About Wireshark >
-- Folders), or run `tshark -X lua_script:underlay.lua ...`.
-- Filters: underlay.gwlb.flow_cookie == 0x8badf00d, underlay.geneve.dst_eni, ...
-- Underlay's own dissector (core/dissect/protocols/underlay-geneve.ts) defines the
-- same names, so a filter means the same in Underlay and in Wireshark.

local underlay = Proto("underlay", "Underlay Geneve Options")

local CLASS_UNDERLAY = 0xFFF1
local CLASS_GWLB = 0x0108

local pf = {
  src_eni = ProtoField.uint64("underlay.geneve.src_eni", "Source ENI", base.HEX),
  dst_eni = ProtoField.uint64("underlay.geneve.dst_eni", "Destination ENI", base.HEX),
  mapping_version = ProtoField.uint32("underlay.geneve.mapping_version", "Mapping Version", base.DEC),
  endpoint_id = ProtoField.uint64("underlay.gwlb.endpoint_id", "GWLB Endpoint ID", base.HEX),
  attachment_id = ProtoField.uint64("underlay.gwlb.attachment_id", "Attachment ID", base.HEX),
  flow_cookie = ProtoField.uint32("underlay.gwlb.flow_cookie", "Flow Cookie", base.HEX),
}
underlay.fields = { pf.src_eni, pf.dst_eni, pf.mapping_version, pf.endpoint_id, pf.attachment_id, pf.flow_cookie }

-- [class][type] = { field, data length in bytes, id prefix for the label or nil }
local KNOWN = {
  [CLASS_UNDERLAY] = {
    [0x01] = { pf.src_eni, 8, "eni" },
    [0x02] = { pf.dst_eni, 8, "eni" },
    [0x03] = { pf.mapping_version, 4, nil },
  },
  [CLASS_GWLB] = {
    [0x01] = { pf.endpoint_id, 8, "vpce" },
    [0x02] = { pf.attachment_id, 8, nil },
    [0x03] = { pf.flow_cookie, 4, nil },
  },
}

local geneve_option = Field.new("geneve.option")

-- "eni-0123456789abcdef0": the prefix and 17 zero-padded hex digits, as AWS prints 64-bit ids.
local function aws_id(prefix, range)
  local hex = range:bytes():tohex():lower()
  return prefix .. "-0" .. hex
end

function underlay.dissector(tvb, pinfo, tree)
  local options = { geneve_option() }
  if #options == 0 then return end
  local subtree = nil
  for _, fi in ipairs(options) do
    local r = fi.range
    if r ~= nil and r:len() >= 4 then
      local class = r(0, 2):uint()
      local otype = r(2, 1):uint()
      local byclass = KNOWN[class]
      local known = byclass and byclass[bit.band(otype, 0x7F)]
      -- Only an option whose data has exactly the expected length is named.
      if known and r:len() == 4 + known[2] then
        if subtree == nil then subtree = tree:add(underlay, r) end
        local data = r(4, known[2])
        local item = subtree:add(known[1], data)
        if known[3] then item:append_text(" (" .. aws_id(known[3], data) .. ")") end
      end
    end
  end
end

register_postdissector(underlay)
