package e2e

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// seeded is one conversation of the seeded week: its day of June 2025
// and time in the site's zone, how long until an agent answered (0:
// never) and until it was resolved, whether it is the owner's, and its
// rating (0: none).
type seeded struct {
	day, hour, min int
	reply, resolve time.Duration
	owner          bool
	rating         int
}

// The owner opens Reports, picks a custom range (the week of 2 to 8 June
// 2025, seeded into the store) and sees the figures worked out by hand
// below, the bars of each day and of each rating; then only their own
// conversations. The CSV of the week has the same total.
func TestReportOfASeededWeek(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	st := e.kefu.Store()
	site, err := st.Site(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	loc := time.UTC
	if tz := site.Widget.BusinessHours.Timezone; tz != "" {
		if loc, err = time.LoadLocation(tz); err != nil {
			t.Fatal(err)
		}
	}
	var me struct{ Agent chat.Agent }
	e.agent(t, "GET", "/api/v1/me", nil, &me)

	week := []seeded{
		{2, 9, 0, time.Minute, 20 * time.Minute, true, 5},
		{2, 14, 0, 3 * time.Minute, time.Hour, false, 4},
		{3, 10, 0, 0, 10 * time.Minute, false, 0}, // missed
		{4, 11, 0, 30 * time.Second, 5 * time.Minute, true, 5},
		{4, 16, 0, 10 * time.Minute, 2 * time.Hour, false, 2},
		{4, 23, 59, 2 * time.Minute, 30 * time.Minute, true, 0},
		{6, 8, 0, 5 * time.Minute, 90 * time.Minute, false, 3},
		{8, 20, 0, 0, time.Hour, false, 0}, // missed
		// Outside the week: the minute before it, the first of the next.
		{1, 23, 59, time.Minute, time.Hour, true, 1},
		{9, 0, 0, time.Minute, time.Hour, true, 1},
	}
	stamp := time.Now().UnixNano()
	for i, s := range week {
		at := time.Date(2025, 6, s.day, s.hour, s.min, 0, 0, loc)
		c := &chat.Conversation{Site: "demo", VisitorID: fmt.Sprintf("report-%d-%d", stamp, i), CreatedAt: at}
		must(t, st.CreateConversation(ctx, c))
		if s.owner {
			must(t, st.SetAssignee(ctx, "demo", c.ID, me.Agent.ID, at))
		}
		if s.reply > 0 {
			m := &chat.Message{Site: "demo", ConversationID: c.ID, ClientID: "r", Author: chat.Author{Type: chat.AuthorAgent, ID: me.Agent.ID},
				Text: "您好", CreatedAt: at.Add(s.reply)}
			_, err := st.AppendMessage(ctx, m)
			must(t, err)
		}
		must(t, st.SetStatus(ctx, "demo", c.ID, chat.StatusResolved, at.Add(s.resolve)))
		if s.rating > 0 {
			must(t, st.SetRating(ctx, "demo", c.ID, s.rating, ""))
		}
	}

	in := e.ownerTab(t, "/inbox#reports")
	console := watchConsole(t, in.ctx)
	waitJS(t, in.ctx, "the reports page shows, in Chinese", `!document.getElementById('view-reports').hidden && document.querySelector('[data-view=reports]').textContent === '报表'`)
	// choose a custom range: 2 to 8 June 2025
	run(t, in.ctx, `
		const r = document.getElementById('report-range'); r.value = 'custom'; r.dispatchEvent(new Event('change'));
		document.getElementById('report-from').value = '2025-06-02';
		document.getElementById('report-to').value = '2025-06-08';
		document.getElementById('report-to').dispatchEvent(new Event('change'));`)

	// By hand: 8 conversations (2, 1, 3, 0, 1, 0, 1 a day); 6 answered;
	// 2 missed. First responses 30 s, 1, 2, 3, 5, 10 min: the median
	// (rank 3 of 6) is 2 min, p90 (rank 6) 10 min. Resolutions 5, 10,
	// 20, 30, 60, 60, 90, 120 min: median (rank 4 of 8) 30 min, p90 (rank
	// 8) 2 h. Ratings 5, 4, 5, 2, 3: 3.8 on average, from 5.
	card := func(key string) string {
		return `document.querySelector('#report-cards [data-key=` + key + `] .report-value').textContent`
	}
	sub := func(key string) string {
		return `document.querySelector('#report-cards [data-key=` + key + `] .report-sub').textContent`
	}
	bars := `[...document.querySelectorAll('#report-days rect.bar')].map(b => b.dataset.date.slice(8) + ':' + b.dataset.value).join(' ')`
	stars := `[...document.querySelectorAll('#report-csat rect.bar')].map(b => b.dataset.rating + ':' + b.dataset.value).join(' ')`
	waitJS(t, in.ctx, "the week's figures", `document.getElementById('report-note').textContent.startsWith('2025-06-02 至 2025-06-08') && `+
		card("conversations")+` === '8' && `+sub("conversations")+` === '已回复 6 个' && `+
		card("missed")+` === '2' && `+
		card("first_response")+` === '2 分钟' && `+sub("first_response")+` === '90% 在 10 分钟 内' && `+
		card("resolution")+` === '30 分钟' && `+sub("resolution")+` === '90% 在 2 小时 内' && `+
		card("csat_average")+` === '3.8' && `+sub("csat_average")+` === '5 个评分'`,
		`document.getElementById('report-note').textContent + ' | ' + document.getElementById('report-cards').innerText`)
	waitJS(t, in.ctx, "a bar per day, and per rating", bars+` === '02:2 03:1 04:3 05:0 06:1 07:0 08:1' && `+stars+` === '5:2 4:1 3:1 2:1 1:0'`,
		bars+` + ' | ' + `+stars)
	in.screenshot("inbox-reports")

	waitJS(t, in.ctx, "the agent filter lists the owner", `document.querySelector('#report-agent option[value=`+jsString(me.Agent.ID)+`]')`)
	run(t, in.ctx, `const a = document.getElementById('report-agent'); a.value = `+jsString(me.Agent.ID)+`; a.dispatchEvent(new Event('change'));`)
	// The owner's: 2 June 9:00, 4 June 11:00 and 23:59; answered in 1
	// min, 30 s, 2 min (median 1 min); rated 5 and 5.
	waitJS(t, in.ctx, "the owner's figures", card("conversations")+` === '3' && `+card("first_response")+` === '1 分钟' && `+card("csat_average")+` === '5' && `+
		bars+` === '02:1 03:0 04:2 05:0 06:0 07:0 08:0'`,
		`document.getElementById('report-cards').innerText`)
	if bad := console.problems(); len(bad) > 0 {
		t.Errorf("the tab logged problems: %v", bad)
	}

	req, _ := http.NewRequest("GET", e.kefuURL+"/api/v1/reports?site=demo&format=csv&from=2025-06-02&to=2025-06-08", nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || len(rows) != 9 {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	total := rows[8]
	if got := fmt.Sprint(total[:9]); got != "[total 8 6 8 2 120 600 1800 7200]" {
		t.Errorf("the csv's total row starts %s", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
