import MetagovAdmin

await MetagovdCommand.entryPoint()
