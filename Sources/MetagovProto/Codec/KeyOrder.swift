extension Dictionary where Key: Comparable {
    /// The positions of the members in key order, for writing protobuf maps deterministically: sorting positions
    /// copies neither the keys nor the values out of the dictionary.
    var positionsInKeyOrder: [Index] {
        var positions = Array(indices)
        if positions.count > 1 { positions.sort { self[$0].key < self[$1].key } }
        return positions
    }
}
