import Glibc
import Testing
@testable import TimbangCore

@Suite struct MemoryTests {
    /// Small blocks freed below one still in use stay resident (the allocator keeps them for
    /// later); `returnFreed` hands them back. The runner calls it after each stage.
    @Test func freedMemoryLeavesTheProcessAfterReturnFreed() throws {
        let count = 1 << 20, size = 240   // about 256 MiB in small blocks
        var blocks = [UnsafeMutableRawPointer](repeating: UnsafeMutableRawPointer(bitPattern: 1)!, count: count)
        for i in 0..<count {
            blocks[i] = try #require(malloc(size))
            memset(blocks[i], 1, size)
        }
        // the last block keeps the top of the heap in use, so free alone cannot give it back
        for i in 0..<(count - 1) { free(blocks[i]) }
        let before = Memory.residentKiB()
        #expect(Memory.returnFreed())
        let after = Memory.residentKiB()
        free(blocks[count - 1])
        #expect(before > 0 && before - after > 128 * 1024, "resident \(before) KiB, then \(after) KiB")
    }
}
