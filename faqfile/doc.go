// Package faqfile reads and writes the files agents import FAQ entries from
// and export them to, as JSON or CSV.
//
// A file holds entries without a site: the importer decides where they go.
// Reading is all or nothing. Every bad row is reported with its line
// number, and when there is one, no entry is returned, so that a file is
// never half imported.
//
// The JSON form is an array of objects:
//
//	[{"id": "refund", "lang": "zh-CN", "category": "payments",
//	  "question": "如何退款？", "answer": "...",
//	  "alternatives": ["怎么退钱"], "published": true, "order": 10}]
//
// The CSV form has a header row naming the same columns, in any order;
// alternatives are separated by "|" in their cell. In both, id, category,
// alternatives and order may be left out, and published defaults to true.
package faqfile
