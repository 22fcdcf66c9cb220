#!/usr/bin/env Rscript
# The analyst's R stack, for scripts/bench.sh: read the rows with data.table::fread, WHO
# z-scores with anthro::anthro_zscores, prevalence per desa (stunting, wasting, underweight:
# z < -2 among the unflagged z-scores), written with fwrite.
# Usage: Rscript scripts/bench.R in.csv out.csv   (in.csv: `timbang zscore` input + group)
suppressPackageStartupMessages({ library(data.table); library(anthro) })
args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 2L)
d <- fread(args[[1L]], colClasses = list(character = c("id", "measure", "oedema", "group")),
           na.strings = c("", "NA"))
z <- anthro_zscores(sex = d$sex, age = d$age_days, is_age_in_month = FALSE, weight = d$weight_kg,
                    lenhei = d$lenhei_cm, measure = d$measure, oedema = d$oedema)
d[, `:=`(zlen = z$zlen, flen = z$flen, zwfl = z$zwfl, fwfl = z$fwfl, zwei = z$zwei, fwei = z$fwei)]
prev <- function(v, f) { ok <- !is.na(v) & f %in% 0; c(sum(v[ok] < -2), sum(ok)) }
p <- d[, {
  s <- prev(zlen, flen); w <- prev(zwfl, fwfl); u <- prev(zwei, fwei)
  .(rows = .N, stunting_n = s[1], stunting_d = s[2], wasting_n = w[1], wasting_d = w[2],
    underweight_n = u[1], underweight_d = u[2])
}, by = group]
setorder(p, group)
fwrite(p, args[[2L]])
