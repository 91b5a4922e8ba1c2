package chat

import "time"

// OpenAt reports whether t falls within the business hours. Empty hours
// mean always open; an unknown time zone counts as UTC.
func OpenAt(h BusinessHours, t time.Time) bool {
	if len(h.Days) == 0 {
		return true
	}
	loc := time.UTC
	if h.Timezone != "" {
		if l, err := time.LoadLocation(h.Timezone); err == nil {
			loc = l
		}
	}
	t = t.In(loc)
	min := t.Hour()*60 + t.Minute()
	for _, d := range h.Days {
		if d.Weekday == t.Weekday() && min >= d.FromMin && min < d.UntilMin {
			return true
		}
	}
	return false
}
