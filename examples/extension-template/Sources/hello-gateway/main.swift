import HelloExtension
import MetagovServer

// Every `metagovd` command (serve, community, plugin, token, ...), with the hello extension beside the
// built-in plugins.
await MetagovServer.main(extensions: [HelloExtension()])
