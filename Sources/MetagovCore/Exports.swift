/// Plugin code, extensions and transports use JSONValue with the core: importing MetagovCore brings it.
@_exported import MetagovJSON
