import Foundation
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much of an environment's structure is checked before LMDB is trusted with it.
///
/// LMDB has no page checksums and trusts every page it reads: a page number past the end of
/// the file, a node that runs off its page or a truncated file makes it read outside the map
/// (SIGSEGV, SIGBUS). These checks read the file with `pread`, which fails cleanly where the map
/// would crash, and report what is wrong as damage (``LMDBError/corrupted``).
public enum StructureCheckDepth: Sendable, Hashable {
    /// Only the file checks every open makes: the data file is a regular file, its meta pages
    /// are sound and agree, and it holds every page they say it does.
    case file
    /// The file checks, the main database's tree (where the named databases are recorded), and
    /// the root page of every tree: a few page reads whatever the size of the environment.
    case roots
    /// Every page reachable from the meta page's roots, each read once: its own page number,
    /// its type at its depth, bounds within the page, every node within its page, child and
    /// overflow pages within the file and reached once, keys in order, page and entry counts
    /// equal to the trees' records, free pages neither in use nor listed twice.
    case full
}

/// What a structure check found: the pages it read, and the problems (none when sound).
public struct StructureReport: Sendable, Hashable {
    /// The snapshot checked (its transaction id).
    public var transaction: UInt64 = 0
    /// The pages the file holds for that snapshot.
    public var pageCount: UInt64 = 0
    /// Pages read and checked (each page of an overflow run counts).
    public var pagesChecked: UInt64 = 0
    /// Pages the free-page database lists (a full check only).
    public var freePages: UInt64 = 0
    /// What is wrong, first found first; at most ``StructureWalk/maximumProblems``.
    public var problems: [String] = []
    /// The named databases recorded in the main database, in key order.
    public var databases: [String] = []

    public var isSound: Bool { problems.isEmpty }
}

/// Reads and checks the trees of one snapshot of a data file with `pread`.
///
/// The caller holds a read transaction of that snapshot for as long as the walk lasts, so that
/// no writer reuses its pages meanwhile.
struct StructureWalk {
    static let maximumProblems = 16
    /// Pages read with one `pread` when they follow each other in the file.
    static let pagesPerRead = 256
    /// The fewest pages of a level that one thread of a split walk is given.
    static let minimumPagesPerPart = 2 * pagesPerRead

    private let fd: Int32
    private let meta: MetaPage
    private let pageSize: Int
    private let pageCount: UInt64
    private let depth: StructureCheckDepth
    /// The most threads a large level is read on.
    private let threads: Int
    /// The flags each named database was opened with, to hold the stored ones to.
    private let declared: [String: UInt16]
    private var reached: PageSet
    private var reachedOutsideFull: Set<UInt64> = []
    /// Duplicates kept in sub-databases, whose pages are not walked (so not all are accounted for).
    private var skippedSubtrees = false
    private var buffer: [UInt8]
    private(set) var report = StructureReport()

    init(fd: Int32, meta: MetaPage, depth: StructureCheckDepth, declared: [String: UInt16],
         threads: Int = min(ProcessInfo.processInfo.activeProcessorCount, 4)) {
        self.fd = fd
        self.threads = max(threads, 1)
        self.meta = meta
        self.pageSize = meta.pageSize
        self.pageCount = meta.pageCount
        self.depth = depth
        self.declared = declared
        reached = PageSet(count: depth == .full ? meta.pageCount : 0)
        buffer = []
        report.transaction = meta.transaction
        report.pageCount = meta.pageCount
    }

    private var isFull: Bool { depth == .full }
    private var isDone: Bool { report.problems.count >= Self.maximumProblems }

    /// Records what is wrong. Callers build the text only on the path where something is.
    private mutating func problem(_ text: String) {
        if report.problems.count < Self.maximumProblems { report.problems.append(text) }
    }

    /// Walks the snapshot's trees as deep as asked.
    mutating func run() throws(LMDBError) {
        guard depth != .file else { return }
        // The main database is always walked whole: it is where the named ones are recorded.
        let named = try walk("the main database", meta.main, flags: meta.main.flags, wholly: true)
        report.databases = named.map(\.0)
        var free: [UInt64] = []
        // Its flags also hold the environment's: only MDB_INTEGERKEY is the tree's.
        try walk("the free-page database", meta.free, flags: 0x08, wholly: isFull, freePages: &free)
        for (name, record) in named {
            guard !isDone else { break }
            if let expected = declared[name], record.flags & Self.persistentFlags != expected & Self.persistentFlags {
                problem("database '\(name)' is recorded with flags \(hex(record.flags)), opened with \(hex(expected))")
                continue
            }
            try walk("database '\(name)'", record, flags: record.flags, wholly: isFull)
        }
        guard isFull, !isDone else { return }
        // Free pages: within the file, not in use, listed once.
        report.freePages = UInt64(free.count)
        var listedTwice = 0
        var firstTwice: UInt64 = 0
        for page in free {
            guard page >= PageLayout.metaPages, page < pageCount else {
                problem("the free-page list names page \(page), outside pages 2..<\(pageCount)")
                return
            }
            if !reached.insert(page) {
                if listedTwice == 0 { firstTwice = page }
                listedTwice += 1
            }
        }
        if listedTwice > 0 {
            problem("\(listedTwice) free page\(listedTwice == 1 ? " is" : "s are") also in use or listed twice (the first: page \(firstTwice))")
        }
        // Every page is in use or free: LMDB's own audit (mdb_audit) holds a snapshot to this.
        let accounted = reached.count + PageLayout.metaPages
        if accounted != pageCount, report.problems.isEmpty, !skippedSubtrees {
            problem("\(pageCount) pages, of which \(accounted) are meta, in use or free: \(pageCount &- accounted) are unaccounted for")
        }
    }

    /// `MDB_REVERSEKEY … MDB_REVERSEDUP`: the flags a database keeps in its record.
    static let persistentFlags: UInt16 = 0x7E
    private static let reverseKey: UInt16 = 0x02
    private static let duplicateSort: UInt16 = 0x04
    private static let integerKey: UInt16 = 0x08
    private static let duplicateFixed: UInt16 = 0x10

    @discardableResult
    private mutating func walk(_ name: String, _ record: DatabaseRecord, flags: UInt16, wholly: Bool) throws(LMDBError) -> [(String, DatabaseRecord)] {
        var none: [UInt64] = []
        return try walk(name, record, flags: flags, wholly: wholly, freePages: &none)
    }

    /// Walks one tree level by level, each level's pages in file order. Returns the named
    /// databases recorded in its leaves (the main database's).
    @discardableResult
    private mutating func walk(_ name: String, _ record: DatabaseRecord, flags: UInt16, wholly: Bool,
                               freePages: inout [UInt64]) throws(LMDBError) -> [(String, DatabaseRecord)] {
        var named: [(String, DatabaseRecord)] = []
        guard !isDone else { return named }
        if flags & ~Self.persistentFlags != 0 {
            problem("\(name) has flags \(hex(flags)), which no database has")
            return named
        }
        if record.isEmpty {
            if record.depth != 0 || record.entries != 0 || record.branchPages != 0 || record.leafPages != 0 || record.overflowPages != 0 {
                problem("\(name) has no root but records a depth of \(record.depth) and \(record.entries) entries")
            }
            return named
        }
        guard record.depth >= 1, Int(record.depth) <= PageLayout.maximumDepth else {
            problem("\(name) records a depth of \(record.depth)")
            return named
        }
        guard record.root >= PageLayout.metaPages, record.root < pageCount else {
            problem("\(name) has its root at page \(record.root), outside pages 2..<\(pageCount)")
            return named
        }
        let (recorded, overflowed) = record.branchPages.addingReportingOverflow(record.leafPages)
        guard !overflowed, recorded.addingReportingOverflow(record.overflowPages).partialValue <= pageCount, recorded <= pageCount else {
            problem("\(name) records more pages than the file holds")
            return named
        }
        let isFree = name == "the free-page database"
        let isMain = name == "the main database"
        let order = KeyOrder(flags: flags)
        if isFull || wholly { guard claim(record.root, for: name) else { return named } }

        var level = [record.root]
        var counted = (branch: UInt64(0), leaf: UInt64(0), overflow: UInt64(0), entries: UInt64(0))
        var overflowRuns: [(page: UInt64, size: UInt64)] = []
        for height in 0..<Int(record.depth) {
            level.sort()
            let shape = LevelShape(name: name, flags: flags, order: order, isLeaf: height == Int(record.depth) - 1,
                                   isMain: isMain, isFree: isFree, following: wholly || isFull)
            let tally = try check(level, shape)
            counted.branch += tally.branch
            counted.leaf += tally.leaf
            counted.entries += tally.entries
            overflowRuns += tally.overflowRuns
            named += tally.named
            freePages += tally.freePages
            guard !isDone, shape.following else { return named }
            // Children are claimed here, in page order, once the level is read: a page reached
            // twice is a cycle or a page shared between trees, and is not walked again.
            level = tally.children.filter { claim($0, for: name) }
            guard !isDone else { return named }
        }
        if isFree {
            // The free lists stored on overflow pages are read whole: their page numbers matter.
            for run in overflowRuns { try readFreeList(run, &freePages, counted: &counted.overflow) }
        } else {
            try checkOverflowRuns(overflowRuns, in: name, counted: &counted.overflow)
        }
        guard !isDone else { return named }
        let dupSort = flags & Self.duplicateSort != 0
        if counted.branch != record.branchPages || counted.leaf != record.leafPages || counted.overflow != record.overflowPages {
            problem("\(name) records \(record.branchPages) branch, \(record.leafPages) leaf and \(record.overflowPages) overflow pages; its tree has \(counted.branch), \(counted.leaf) and \(counted.overflow)")
        } else if !dupSort, counted.entries != record.entries {
            problem("\(name) records \(record.entries) entries; its tree holds \(counted.entries)")
        }
        return named
    }

    /// What is the same for every page of one level of one tree.
    private struct LevelShape {
        var name: String
        var flags: UInt16
        var order: KeyOrder
        var isLeaf: Bool
        var isMain: Bool
        var isFree: Bool
        /// Whether the level below is walked (its pages gathered as children).
        var following: Bool
    }

    /// What checking some of a level's pages gathers: kept apart for each part of a level read
    /// on its own thread, and added up in page order.
    private struct LevelTally {
        var children: [UInt64] = []
        var branch: UInt64 = 0
        var leaf: UInt64 = 0
        var entries: UInt64 = 0
        var overflowRuns: [(page: UInt64, size: UInt64)] = []
        var named: [(String, DatabaseRecord)] = []
        var freePages: [UInt64] = []

        mutating func add(_ other: LevelTally) {
            children += other.children
            branch += other.branch
            leaf += other.leaf
            entries += other.entries
            overflowRuns += other.overflowRuns
            named += other.named
            freePages += other.freePages
        }
    }

    /// Checks one level's pages (sorted). A large level is cut in runs of pages, one for each
    /// of ``threads``, each read and checked on its own thread: reading a big log's leaves is
    /// most of a verification's first pass. What each part finds is added in page order, so
    /// the report is the one a single thread would give.
    private mutating func check(_ level: [UInt64], _ shape: LevelShape) throws(LMDBError) -> LevelTally {
        let parts = min(threads, level.count / Self.minimumPagesPerPart)
        guard parts > 1 else {
            var tally = LevelTally()
            try check(level[...], shape, into: &tally)
            return tally
        }
        let start = self
        let results = Mutex([(problems: [String], pagesChecked: UInt64, tally: LevelTally, failure: LMDBError?)?](repeating: nil, count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var worker = start
            worker.report.problems = []
            worker.report.pagesChecked = 0
            worker.buffer = []
            var tally = LevelTally()
            var failure: LMDBError?
            let range = (level.count * part / parts)..<(level.count * (part + 1) / parts)
            do throws(LMDBError) { try worker.check(level[range], shape, into: &tally) } catch { failure = error }
            let result = (worker.report.problems, worker.report.pagesChecked, tally, failure)
            results.withLock { $0[part] = result }
        }
        var whole = LevelTally()
        for result in results.withLock({ $0 }) {
            guard let result else { throw LMDBError(code: EINVAL, context: "a part of the structure walk did not run") }
            if let failure = result.failure { throw failure }
            for text in result.problems { problem(text) }
            report.pagesChecked += result.pagesChecked
            whole.add(result.tally)
        }
        return whole
    }

    /// Checks `pages` (sorted) of one level: each page's header and nodes, keys in order.
    private mutating func check(_ pages: ArraySlice<UInt64>, _ shape: LevelShape, into tally: inout LevelTally) throws(LMDBError) {
        let name = shape.name
        try forEachPage(pages) { walker, number, page throws(LMDBError) in
            guard walker.checkHeader(page, number, expected: shape.isLeaf ? PageLayout.leaf : PageLayout.branch, in: name) else { return }
            let keys = Int(page.u16(12) - UInt16(PageLayout.headerSize)) / 2
            var previous: UnsafeRawBufferPointer?
            for index in 0..<keys {
                guard let node = walker.node(page, index, number, in: name) else { return }
                let key = UnsafeRawBufferPointer(rebasing: page[(node.offset + PageLayout.nodeHeaderSize)..<(node.offset + PageLayout.nodeHeaderSize + node.keySize)])
                // A branch's first key is not compared (LMDB leaves it empty).
                if shape.isLeaf || index > 0 {
                    if let previous, !shape.order.ascending(previous, key) {
                        walker.problem("\(name): page \(number) holds its keys out of order (node \(index))")
                        return
                    }
                    previous = key
                }
                if shape.isLeaf {
                    walker.checkLeafNode(page, node, number, index, name: name, flags: shape.flags, isMain: shape.isMain, isFree: shape.isFree,
                                         counted: &tally.entries, overflowRuns: &tally.overflowRuns, named: &tally.named, freePages: &tally.freePages)
                } else {
                    let child = UInt64(node.low) | UInt64(node.high) << 16 | UInt64(node.flags) << 32
                    guard child >= PageLayout.metaPages, child < walker.pageCount else {
                        walker.problem("\(name): branch page \(number) points to page \(child), outside pages 2..<\(walker.pageCount)")
                        return
                    }
                    if shape.following { tally.children.append(child) }
                }
            }
            if shape.isLeaf { tally.leaf += 1 } else { tally.branch += 1 }
        }
    }

    /// Marks `page` reached; a problem if it was already. Short of a full walk, only the main
    /// database's pages are tracked (it is walked whole, and a cycle must not make it endless).
    private mutating func claim(_ page: UInt64, for name: String) -> Bool {
        let fresh = isFull ? reached.insert(page) : reachedOutsideFull.insert(page).inserted
        guard fresh else {
            problem("\(name): page \(page) is reached twice (a cycle, or a page shared between trees)")
            return false
        }
        return true
    }

    /// Checks a page's header: its own number, the type expected at its depth, its bounds.
    private mutating func checkHeader(_ page: UnsafeRawBufferPointer, _ number: UInt64, expected: UInt16, in name: String) -> Bool {
        let stored = page.u64(0)
        guard stored == number else {
            problem("\(name): page \(number) says it is page \(stored)")
            return false
        }
        let flags = page.u16(10)
        guard flags == expected else {
            let what = expected == PageLayout.leaf ? "a leaf" : "a branch"
            problem("\(name): page \(number) has flags \(hex(flags)), expected \(what) page (\(hex(expected)))")
            return false
        }
        let lower = Int(page.u16(12))
        let upper = Int(page.u16(14))
        guard lower >= PageLayout.headerSize + 2, lower % 2 == 0, lower <= upper, upper <= pageSize else {
            problem("\(name): page \(number) has its free space at \(lower)..<\(upper), outside its \(pageSize) bytes or empty of keys")
            return false
        }
        return true
    }

    private struct Node {
        var offset: Int
        var low: UInt16
        var high: UInt16
        var flags: UInt16
        var keySize: Int
        var dataSize: UInt64 { UInt64(low) | UInt64(high) << 16 }
    }

    /// The `index`th node of a page whose header passed, with its key inside the page.
    private mutating func node(_ page: UnsafeRawBufferPointer, _ index: Int, _ number: UInt64, in name: String) -> Node? {
        let offset = Int(page.u16(PageLayout.headerSize + 2 * index))
        let upper = Int(page.u16(14))
        guard offset >= upper, offset % 2 == 0, offset + PageLayout.nodeHeaderSize <= pageSize else {
            problem("\(name): page \(number), node \(index) is at byte \(offset), outside the page's nodes (\(upper)..<\(pageSize))")
            return nil
        }
        let node = Node(offset: offset, low: page.u16(offset), high: page.u16(offset + 2), flags: page.u16(offset + 4), keySize: Int(page.u16(offset + 6)))
        guard node.keySize <= PageLayout.maximumKeySize, offset + PageLayout.nodeHeaderSize + node.keySize <= pageSize else {
            problem("\(name): page \(number), node \(index) has a key of \(node.keySize) bytes, running off the page")
            return nil
        }
        return node
    }

    private mutating func checkLeafNode(_ page: UnsafeRawBufferPointer, _ node: Node, _ number: UInt64, _ index: Int,
                                        name: String, flags: UInt16, isMain: Bool, isFree: Bool, counted entries: inout UInt64,
                                        overflowRuns: inout [(page: UInt64, size: UInt64)], named: inout [(String, DatabaseRecord)],
                                        freePages: inout [UInt64]) {
        // Said only when something is wrong: most nodes are sound, and there are millions.
        func at() -> String { "\(name): page \(number), node \(index)" }
        guard node.keySize >= 1 else { return problem("\(at()) has an empty key") }
        guard node.flags & ~(PageLayout.bigData | PageLayout.subData | PageLayout.duplicateData) == 0 else {
            return problem("\(at()) has flags \(hex(node.flags))")
        }
        let dataStart = node.offset + PageLayout.nodeHeaderSize + node.keySize
        let size = node.dataSize
        if node.flags & PageLayout.bigData != 0 {
            guard node.flags == PageLayout.bigData, dataStart + 8 <= pageSize else { return problem("\(at()) is an overflow value with flags \(hex(node.flags)) or off its page") }
            let first = page.u64(dataStart)
            let pages = PageLayout.overflowPages(size, pageSize: pageSize)
            guard first >= PageLayout.metaPages, first < pageCount, pages <= pageCount - first else {
                return problem("\(at()) keeps its \(size)-byte value at pages \(first)..<\(first &+ pages), outside pages 2..<\(pageCount)")
            }
            entries += 1
            overflowRuns.append((first, size))
            return
        }
        guard size <= UInt64(pageSize - dataStart) else {
            return problem("\(at()) has a value of \(size) bytes, running off the page")
        }
        let data = UnsafeRawBufferPointer(rebasing: page[dataStart..<(dataStart + Int(size))])
        switch node.flags {
        case 0:
            entries += 1
            if isFree { readFreeList(data, at: at(), into: &freePages) }
        case PageLayout.subData:
            guard isMain, size == UInt64(PageLayout.databaseRecordSize) else {
                return problem("\(at()) records a database where none can be")
            }
            entries += 1
            let key = UnsafeRawBufferPointer(rebasing: page[(node.offset + PageLayout.nodeHeaderSize)..<dataStart])
            named.append((String(decoding: key, as: UTF8.self), DatabaseRecord(data, at: 0)))
        default:
            // Duplicates (MDB_DUPSORT): a sub-page in the node, or a sub-database.
            guard flags & Self.duplicateSort != 0 else { return problem("\(at()) holds duplicates in a database without MDB_DUPSORT") }
            if node.flags & PageLayout.subData != 0 {
                guard size == UInt64(PageLayout.databaseRecordSize) else { return problem("\(at()) records its duplicates in \(size) bytes") }
                entries += DatabaseRecord(data, at: 0).entries
                // The duplicates' own tree is left to LMDB: Parley keeps no duplicates.
                skippedSubtrees = true
            } else {
                guard data.count >= PageLayout.headerSize, data.u16(10) & PageLayout.subpage != 0,
                      Int(data.u16(12)) >= PageLayout.headerSize, data.u16(12) <= data.u16(14), Int(data.u16(14)) <= data.count
                else { return problem("\(at()) holds a malformed page of duplicates") }
                entries += UInt64(Int(data.u16(12)) - PageLayout.headerSize) / 2
            }
        }
    }

    /// A free-page record: a count, then that many page numbers (an `MDB_IDL`).
    private mutating func readFreeList(_ data: UnsafeRawBufferPointer, at: @autoclosure () -> String, into pages: inout [UInt64]) {
        guard data.count >= 8, data.count % 8 == 0, data.u64(0) == UInt64(data.count / 8 - 1) else {
            return problem("\(at()): a free-page list of \(data.count) bytes that does not hold its count")
        }
        for i in 1..<(data.count / 8) { pages.append(data.u64(8 * i)) }
    }

    private mutating func readFreeList(_ run: (page: UInt64, size: UInt64), _ pages: inout [UInt64], counted: inout UInt64) throws(LMDBError) {
        let runPages = PageLayout.overflowPages(run.size, pageSize: pageSize)
        var bytes = [UInt8](repeating: 0, count: Int(runPages) * pageSize)
        guard try read(into: &bytes, count: bytes.count, at: run.page) else { return }
        bytes.withUnsafeBytes { page in
            guard checkOverflowHead(page, run, in: "the free-page database") else { return }
            counted += runPages
            readFreeList(UnsafeRawBufferPointer(rebasing: page[PageLayout.headerSize..<(PageLayout.headerSize + Int(run.size))]),
                         at: "the free-page database: the list on page \(run.page)", into: &pages)
        }
        report.pagesChecked += runPages
    }

    /// Reads the first page of each overflow run: its own number, its type, its run's length.
    private mutating func checkOverflowRuns(_ runs: [(page: UInt64, size: UInt64)], in name: String, counted: inout UInt64) throws(LMDBError) {
        var header = [UInt8](repeating: 0, count: PageLayout.headerSize)
        for run in runs.sorted(by: { $0.page < $1.page }) {
            guard !isDone else { return }
            guard try read(into: &header, count: header.count, at: run.page) else { return }
            let sound = header.withUnsafeBytes { checkOverflowHead($0, run, in: name) }
            guard sound else { continue }
            let pages = PageLayout.overflowPages(run.size, pageSize: pageSize)
            counted += pages
            report.pagesChecked += pages
        }
    }

    private mutating func checkOverflowHead(_ page: UnsafeRawBufferPointer, _ run: (page: UInt64, size: UInt64), in name: String) -> Bool {
        let pages = PageLayout.overflowPages(run.size, pageSize: pageSize)
        guard page.u64(0) == run.page, page.u16(10) == PageLayout.overflow, UInt64(page.u32(12)) == pages else {
            problem("\(name): overflow page \(run.page) (\(hex(page.u16(10))), \(page.u32(12)) pages) is not the run of \(pages) its value of \(run.size) bytes needs")
            return false
        }
        guard isFull else { return true }
        for page in run.page..<(run.page + pages) where !claim(page, for: name) { return false }
        return true
    }

    /// Lends each of `pages` (sorted) to `body`, reading runs of consecutive pages at once.
    private mutating func forEachPage(
        _ pages: ArraySlice<UInt64>, _ body: (inout StructureWalk, UInt64, UnsafeRawBufferPointer) throws(LMDBError) -> Void
    ) throws(LMDBError) {
        if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: Self.pagesPerRead * pageSize) }
        var chunk = buffer
        buffer = []
        defer { buffer = chunk }
        var i = pages.startIndex
        while i < pages.endIndex, !isDone {
            var end = i + 1
            while end < pages.endIndex, end - i < Self.pagesPerRead, pages[end] == pages[end - 1] + 1 { end += 1 }
            let count = end - i
            guard try read(into: &chunk, count: count * pageSize, at: pages[i]) else { return }
            report.pagesChecked += UInt64(count)
            var failure: LMDBError?
            chunk.withUnsafeBytes { bytes in
                for n in 0..<count {
                    let page = UnsafeRawBufferPointer(rebasing: bytes[(n * pageSize)..<((n + 1) * pageSize)])
                    do throws(LMDBError) { try body(&self, pages[i + n], page) } catch {
                        failure = error
                        return
                    }
                }
            }
            if let failure { throw failure }
            i = end
        }
    }

    /// Reads `count` bytes from page `page` on into `bytes`; `false` (and a problem) when the
    /// file ends first.
    private mutating func read(into bytes: inout [UInt8], count: Int, at page: UInt64) throws(LMDBError) -> Bool {
        let (offset, overflowed) = page.multipliedReportingOverflow(by: UInt64(pageSize))
        guard !overflowed, offset <= UInt64(Int64.max) else {
            problem("page \(page) lies beyond any file")
            return false
        }
        let (done, failure) = bytes.withUnsafeMutableBytes { out in
            preadFully(fd, UnsafeMutableRawBufferPointer(rebasing: out[0..<count]), at: off_t(offset))
        }
        if failure != 0 { throw LMDBError(code: failure, context: "pread(data.mdb, page \(page))") }
        guard done == count else {
            problem("data.mdb ends within page \(page + UInt64(done / pageSize)), which its meta page says it holds")
            return false
        }
        return true
    }
}

/// A set of page numbers below a bound, one bit a page.
struct PageSet {
    private var words: [UInt64]
    private(set) var count: UInt64 = 0

    init(count: UInt64) { words = [UInt64](repeating: 0, count: Int((count + 63) / 64)) }

    /// Adds `page`; `false` when it was there already (or is out of range).
    mutating func insert(_ page: UInt64) -> Bool {
        let word = Int(page / 64)
        guard word < words.count else { return false }
        let bit = UInt64(1) << (page % 64)
        guard words[word] & bit == 0 else { return false }
        words[word] |= bit
        count += 1
        return true
    }
}

/// How a database orders its keys, for the check that each page holds them in order.
private enum KeyOrder {
    case bytes
    case integer
    /// `MDB_REVERSEKEY`: not checked.
    case unchecked

    init(flags: UInt16) {
        if flags & 0x08 != 0 {
            self = .integer
        } else if flags & 0x02 != 0 {
            self = .unchecked
        } else {
            self = .bytes
        }
    }

    /// Whether `a` sorts strictly before `b`.
    func ascending(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .unchecked:
            return true
        case .integer:
            guard a.count == b.count else { return false }
            switch a.count {
            case 4: return a.u32(0) < b.u32(0)
            case 8: return a.u64(0) < b.u64(0)
            default: return false
            }
        case .bytes:
            let common = min(a.count, b.count)
            if common > 0, let x = a.baseAddress, let y = b.baseAddress {
                let order = memcmp(x, y, common)
                if order != 0 { return order < 0 }
            }
            return a.count < b.count
        }
    }
}

func hex(_ value: UInt16) -> String { "0x" + String(value, radix: 16) }

/// Reads `out.count` bytes at `offset` with `pread` (swift-system's, which retries after a
/// signal), again after a short read. The descriptor is LMDB's: it is read, never closed.
/// - Returns: the bytes read (fewer at the end of the file), and `errno` (0 when none).
func preadFully(_ fd: Int32, _ out: UnsafeMutableRawBufferPointer, at offset: off_t) -> (Int, Int32) {
    let file = FileDescriptor(rawValue: fd)
    var done = 0
    while done < out.count {
        let n: Int
        do {
            n = try file.read(fromAbsoluteOffset: Int64(offset) + Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: out[done...]), retryOnInterrupt: true)
        } catch {
            return (done, (error as? Errno)?.rawValue ?? EIO)
        }
        if n == 0 { break }
        done += n
    }
    return (done, 0)
}
