extension Indicator {
    /// Length/height-for-age (`zlen`, `flen`): table `lenanthro`, flag |z| > 6, 0–1856 days,
    /// not blanked by oedema, no restricted computation (a length z beyond ±3 follows the
    /// LMS curve; L is 1). Takes the corrected length/height `clenhei`. Parity: GoldenTests.
    public static let lengthForAge = Indicator(
        code: "len", table: .lengthForAge, flag: .absAbove(6), ageDays: 0...1856,
        blankedByOedema: false, restricted: false)
}
