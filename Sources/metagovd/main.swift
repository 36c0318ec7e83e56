import MetagovServer

await MetagovServer.main()
