extension Indicator {
    /// BMI-for-age (`zbmi`, `fbmi`): table `bmianthro`, flag |z| > 5, 0–1856 days, blanked by
    /// oedema, restricted beyond ±3 SD. Takes `cbmi` = weight / (clenhei / 100)². Parity: GoldenTests.
    public static let bmiForAge = Indicator(
        code: "bmi", table: .bmiForAge, flag: .absAbove(5), ageDays: 0...1856,
        blankedByOedema: true, restricted: true)
}
