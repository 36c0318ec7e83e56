enum GRPCPlaceholder {}
