extension Indicator {
    /// Arm-circumference-for-age (`zac`, `fac`; MUAC, LiLA): table `acanthro`, flag |z| > 5,
    /// 91–1856 days (the table starts at 3 months), not blanked by oedema, and — as anthro —
    /// the restricted computation beyond ±3 SD.
    public static let armCircumferenceForAge = Indicator(
        code: "ac", table: .armCircumferenceForAge, flag: .absAbove(5), ageDays: 91...1856,
        blankedByOedema: false, restricted: true)
}
