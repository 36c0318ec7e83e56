// A package that builds its own server imports only MetagovServer: the core (extension interfaces, plugin
// types, JSON) and the gRPC types interceptors see come with it.
@_exported import MetagovCore
@_exported import MetagovGRPC
