<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.


namespace local_cooperare\external;

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once(__DIR__ . '/testcase.php');

/**
 * Tests of local_cooperare_save_book_chapters.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\save_book_chapters
 */
final class save_book_chapters_test extends testcase {
    /**
     * A book in the test course, with one chapter written by hand.
     *
     * @return \stdClass the book record
     */
    private function book(): \stdClass {
        global $DB;
        $book = $this->getDataGenerator()->create_module('book', ['course' => $this->course->id,
            'idnumber' => 'coop:manual:book']);
        $this->getDataGenerator()->get_plugin_generator('mod_book')->create_chapter(['bookid' => $book->id,
            'title' => 'Scrisă de mână', 'content' => '<p>manual</p>', 'pagenum' => 1]);
        return $DB->get_record('book', ['id' => $book->id]);
    }

    /**
     * Chapters in page order.
     *
     * @param array $titles key => [title, subchapter]
     * @return array
     */
    private function chapters(array $titles): array {
        $result = [];
        foreach ($titles as $key => [$title, $sub]) {
            $result[] = ['key' => $key, 'pagenum' => count($result) + 1, 'subchapter' => $sub, 'title' => $title,
                'content' => "<p>{$title} — conținut</p>"];
        }
        return $result;
    }

    /**
     * Created, then unchanged; an edited chapter is one update; a dropped one is deleted; hand-written ones stay.
     */
    public function test_create_update_delete_and_leave_hand_written(): void {
        global $DB;
        $book = $this->book();
        $chapters = $this->chapters(['cap-01' => ['1. Introducere', false], 'cap-01-scop' => ['1.1 Scopul', true],
            'cap-02' => ['2. Registratura electronică', false]]);
        $result = $this->call('save_book_chapters', [$this->course->id, 'coop:manual:book', $chapters]);
        $this->assertSame((int) $book->id, $result['bookid']);
        $this->assertSame(['created', 'created', 'created'], array_column($result['chapters'], 'action'));
        $rows = array_values($DB->get_records('book_chapters', ['bookid' => $book->id], 'pagenum'));
        $this->assertSame(['1. Introducere', '1.1 Scopul', '2. Registratura electronică', 'Scrisă de mână'],
            array_column($rows, 'title'));
        $this->assertSame('cooperare:cap-01-scop', $rows[1]->importsrc);
        $this->assertEquals(1, $rows[1]->subchapter);
        $revision = (int) $DB->get_field('book', 'revision', ['id' => $book->id]);

        $again = $this->call('save_book_chapters', [$this->course->id, 'coop:manual:book', $chapters]);
        $this->assertSame(['unchanged', 'unchanged', 'unchanged'], array_column($again['chapters'], 'action'));
        $this->assertSame($revision, (int) $DB->get_field('book', 'revision', ['id' => $book->id]));

        $chapters[2]['content'] = '<p>Text nou, cu diacritice: ș ț ă â î</p>';
        unset($chapters[1]);
        $chapters = array_values($chapters);
        $chapters[1]['pagenum'] = 2;
        $third = $this->call('save_book_chapters', [$this->course->id, 'coop:manual:book', $chapters]);
        $actions = array_combine(array_column($third['chapters'], 'key'), array_column($third['chapters'], 'action'));
        $this->assertSame(['cap-01-scop' => 'deleted', 'cap-01' => 'unchanged', 'cap-02' => 'updated'], $actions);
        $rows = array_values($DB->get_records('book_chapters', ['bookid' => $book->id], 'pagenum'));
        $this->assertSame(['1. Introducere', '2. Registratura electronică', 'Scrisă de mână'],
            array_column($rows, 'title'));
        $this->assertSame('<p>Text nou, cu diacritice: ș ț ă â î</p>', $rows[1]->content);
        $this->assertSame(3, (int) $rows[2]->pagenum);
        $this->assertGreaterThan($revision, (int) $DB->get_field('book', 'revision', ['id' => $book->id]));
    }

    /**
     * A bad chapter refuses the whole call: nothing is written.
     */
    public function test_all_or_nothing(): void {
        global $DB;
        $book = $this->book();
        $chapters = $this->chapters(['cap-01' => ['1. Introducere', false], 'cap-02' => ['', false]]);
        try {
            $this->call('save_book_chapters', [$this->course->id, 'coop:manual:book', $chapters]);
            $this->fail('an empty title was accepted');
        } catch (\invalid_parameter_exception $e) {
            $this->assertStringContainsString("chapter 'cap-02': title is empty", $e->getMessage());
        }
        $this->assertSame(1, $DB->count_records('book_chapters', ['bookid' => $book->id]));
        $twice = [['key' => 'a', 'pagenum' => 1, 'subchapter' => false, 'title' => 'A', 'content' => ''],
            ['key' => 'a', 'pagenum' => 2, 'subchapter' => false, 'title' => 'B', 'content' => '']];
        $this->expectException(\invalid_parameter_exception::class);
        $this->call('save_book_chapters', [$this->course->id, 'coop:manual:book', $twice]);
    }

    /**
     * The capability is checked before the book is looked up; no book under that idnumber is refused.
     */
    public function test_capability_and_missing_book(): void {
        $this->book();
        try {
            $this->call('save_book_chapters', [$this->course->id, 'coop:nosuch', []]);
            $this->fail('a missing book was accepted');
        } catch (\invalid_parameter_exception $e) {
            $this->assertStringContainsString("no book with idnumber 'coop:nosuch'", $e->getMessage());
        }
        $this->setUser($this->getDataGenerator()->create_and_enrol($this->course, 'student'));
        $this->expectException(\required_capability_exception::class);
        $this->call('save_book_chapters', [$this->course->id, 'coop:nosuch', []]);
    }

    /**
     * get_book_chapters: every chapter in page order, the pack's with their key and the SHA-1 of their content, the
     * hand-written one with an empty key; an edit in Moodle changes the hash; a student may not read it.
     *
     * @covers \local_cooperare\external\get_book_chapters
     */
    public function test_get_book_chapters_reads_back_what_was_written(): void {
        global $DB;
        $book = $this->book();
        $chapters = $this->chapters(['cap-01' => ['1. Introducere', false], 'cap-01-scop' => ['1.1 Scopul', true]]);
        $this->call('save_book_chapters', [$this->course->id, 'coop:manual:book', $chapters]);
        $read = $this->call('get_book_chapters', [$this->course->id, 'coop:manual:book']);
        $this->assertSame((int) $book->id, $read['bookid']);
        $this->assertSame(['cap-01', 'cap-01-scop', ''], array_column($read['chapters'], 'key'));
        $this->assertSame([1, 2, 3], array_column($read['chapters'], 'pagenum'));
        $this->assertSame([0, 1, 0], array_column($read['chapters'], 'subchapter'));
        $this->assertSame(sha1('<p>1.1 Scopul — conținut</p>'), $read['chapters'][1]['contentsha1']);
        $this->assertSame('Scrisă de mână', $read['chapters'][2]['title']);

        $DB->set_field('book_chapters', 'content', '<p>Schimbat în Moodle</p>', ['id' => $read['chapters'][0]['id']]);
        $again = $this->call('get_book_chapters', [$this->course->id, 'coop:manual:book']);
        $this->assertSame(sha1('<p>Schimbat în Moodle</p>'), $again['chapters'][0]['contentsha1']);

        try {
            $this->call('get_book_chapters', [$this->course->id, 'coop:nosuch']);
            $this->fail('a missing book was accepted');
        } catch (\invalid_parameter_exception $e) {
            $this->assertStringContainsString("no book with idnumber 'coop:nosuch'", $e->getMessage());
        }
        $this->setUser($this->getDataGenerator()->create_and_enrol($this->course, 'student'));
        $this->expectException(\required_capability_exception::class);
        $this->call('get_book_chapters', [$this->course->id, 'coop:manual:book']);
    }
}
