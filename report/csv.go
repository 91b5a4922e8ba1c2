package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// csvHeader names the columns of WriteCSV: one row per day, then a row
// whose date is "total". Times are in seconds; an empty cell is a figure
// that has no value (a percentile of nothing, an average of no ratings).
var csvHeader = []string{
	"date", "conversations", "answered", "resolved", "missed",
	"first_response_p50_s", "first_response_p90_s", "resolution_p50_s", "resolution_p90_s",
	"rated", "csat_average", "csat_1", "csat_2", "csat_3", "csat_4", "csat_5",
	"faq_views", "faq_solved", "deflection_rate",
}

// WriteCSV writes the report as a table, one row per day and a total.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := make([][]string, 0, len(r.Days)+2)
	rows = append(rows, csvHeader)
	for _, d := range r.Days {
		rows = append(rows, d.csvRow(d.Date))
	}
	rows = append(rows, r.Total.csvRow("total"))
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	return nil
}

func (f *Figures) csvRow(date string) []string {
	row := []string{
		date, itoa(f.Conversations), itoa(f.Answered), itoa(f.Resolved), itoa(f.Missed),
		num(f.FirstResponse.P50Seconds), num(f.FirstResponse.P90Seconds),
		num(f.Resolution.P50Seconds), num(f.Resolution.P90Seconds),
		itoa(f.CSAT.Count), num(f.CSAT.Average),
	}
	for _, n := range f.CSAT.Ratings {
		row = append(row, itoa(n))
	}
	return append(row, strconv.FormatInt(f.FAQ.Views, 10), strconv.FormatInt(f.FAQ.Solved, 10), num(f.FAQ.DeflectionRate))
}

func itoa(n int) string { return strconv.Itoa(n) }

func num(x *float64) string {
	if x == nil {
		return ""
	}
	return strconv.FormatFloat(*x, 'f', -1, 64)
}
