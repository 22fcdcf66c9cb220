extension Indicator {
    /// Weight-for-age (`zwei`, `fwei`): table `weianthro`, flag z < −6 or z > 5, 0–1856 days,
    /// blanked by oedema, restricted beyond ±3 SD. Parity: GoldenTests.
    public static let weightForAge = Indicator(
        code: "wei", table: .weightForAge, flag: .outside(low: -6, high: 5), ageDays: 0...1856,
        blankedByOedema: true, restricted: true)
}
