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
require_once($CFG->dirroot . '/mod/quiz/locallib.php');

/**
 * Tests of local_cooperare_save_questions.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\save_questions
 * @covers     \local_cooperare\local\questions
 */
final class save_questions_test extends testcase {
    /**
     * One quiz item with the four question types of the catalogue.
     *
     * @return array
     */
    private function quiz_item(): array {
        return [
            'courseid' => $this->course->id,
            'quiz' => 'coop:test:quiz',
            'questions' => [
                ['idnumber' => 'coop:test:quiz:q01', 'xml' => $this->multichoice_xml('coop:test:quiz:q01'),
                    'maxmark' => 2.0, 'spechash' => 's1'],
                ['idnumber' => 'coop:test:quiz:q02', 'xml' => $this->truefalse_xml('coop:test:quiz:q02')],
                ['idnumber' => 'coop:test:quiz:q03', 'xml' => $this->shortanswer_xml('coop:test:quiz:q03')],
                ['idnumber' => 'coop:test:quiz:q04', 'xml' => $this->matching_xml('coop:test:quiz:q04')],
            ],
            'removemissing' => false,
        ];
    }

    /**
     * The slots of the quiz: slot => [question idnumber, maxmark, page].
     *
     * @param int $cmid
     * @return array
     */
    private function slots(int $cmid): array {
        global $DB;
        $sql = "SELECT slot.slot, qbe.idnumber, slot.maxmark, slot.page
                  FROM {quiz_slots} slot
                  JOIN {course_modules} cm ON cm.instance = slot.quizid AND cm.id = :cmid
                  JOIN {question_references} qr ON qr.itemid = slot.id AND qr.component = 'mod_quiz'
                       AND qr.questionarea = 'slot'
                  JOIN {question_bank_entries} qbe ON qbe.id = qr.questionbankentryid
              ORDER BY slot.slot";
        $result = [];
        foreach ($DB->get_records_sql($sql, ['cmid' => $cmid]) as $row) {
            $result[(int) $row->slot] = [$row->idnumber, (float) $row->maxmark, (int) $row->page];
        }
        return $result;
    }

    /**
     * Questions are imported into the quiz's own bank with their feedback; a re-run changes nothing.
     */
    public function test_import_and_rerun(): void {
        global $DB;
        $cmid = $this->create_quiz();
        $result = $this->call('save_questions', [[$this->quiz_item()]]);
        $quiz = $result['quizzes'][0];
        $this->assertEquals($cmid, $quiz['cmid']);
        $this->assertTrue($quiz['structurechanged']);
        $this->assertSame(array_fill(0, 4, 'created'), array_column($quiz['questions'], 'action'));
        $this->assertSame([1, 2, 3, 4], array_column($quiz['questions'], 'slot'));
        $this->assertSame([1, 1, 1, 1], array_column($quiz['questions'], 'version'));
        $this->assertSame([1 => ['coop:test:quiz:q01', 2.0, 1], 2 => ['coop:test:quiz:q02', 1.0, 2],
            3 => ['coop:test:quiz:q03', 1.0, 3], 4 => ['coop:test:quiz:q04', 1.0, 4]], $this->slots($cmid));

        // The questions live in the quiz's own context, with their per-answer feedback.
        $context = \context_module::instance($cmid);
        $entry = $DB->get_record('question_bank_entries', ['idnumber' => 'coop:test:quiz:q01']);
        $category = $DB->get_record('question_categories', ['id' => $entry->questioncategoryid]);
        $this->assertEquals($context->id, $category->contextid);
        $answers = $DB->get_records('question_answers', ['question' => $quiz['questions'][0]['questionid']], 'id');
        $this->assertSame(['Corect: București.', 'Nu: Cluj-Napoca nu este capitala.', 'Nu: Iași nu este capitala.'],
            array_values(array_column($answers, 'feedback')));
        $this->assertEquals(5, (float) $DB->get_field('quiz', 'sumgrades', ['id' => $DB->get_field('course_modules',
            'instance', ['id' => $cmid])]));

        // Re-run: nothing new.
        $questioncount = $DB->count_records('question');
        $again = $this->call('save_questions', [[$this->quiz_item()]]);
        $this->assertFalse($again['quizzes'][0]['structurechanged']);
        $this->assertSame(array_fill(0, 4, 'unchanged'), array_column($again['quizzes'][0]['questions'], 'action'));
        $this->assertEquals($questioncount, $DB->count_records('question'));

        // Describe.
        $described = $this->call('describe_courses', [[$this->course->idnumber]]);
        $questions = $described['courses'][0]['questions'];
        $this->assertCount(4, $questions);
        $this->assertSame('coop:test:quiz', $questions[0]['quiz']);
        $this->assertSame('s1', $questions[0]['spechash']);
        $this->assertSame('multichoice', $questions[0]['qtype']);
        $this->assertFalse($questions[0]['drift']);
    }

    /**
     * A changed question gets a new version of the same entry; a new order rebuilds the slots; a changed mark is
     * applied; removemissing takes out pack questions no longer listed.
     */
    public function test_versions_order_marks_and_removal(): void {
        global $DB;
        $cmid = $this->create_quiz();
        $item = $this->quiz_item();
        $first = $this->call('save_questions', [[$item]]);

        $item['questions'][0]['xml'] = $this->multichoice_xml('coop:test:quiz:q01', 'Care oraș este capitala?');
        $result = $this->call('save_questions', [[$item]]);
        $q01 = $result['quizzes'][0]['questions'][0];
        $this->assertSame('updated', $q01['action']);
        $this->assertSame(2, $q01['version']);
        $this->assertNotEquals($first['quizzes'][0]['questions'][0]['questionid'], $q01['questionid']);
        $this->assertEquals(1, $DB->count_records('question_bank_entries', ['idnumber' => 'coop:test:quiz:q01']));
        $this->assertFalse($result['quizzes'][0]['structurechanged']);

        // Only a mark changes: no rebuild.
        $item['questions'][1]['maxmark'] = 3.0;
        $result = $this->call('save_questions', [[$item]]);
        $this->assertFalse($result['quizzes'][0]['structurechanged']);
        $this->assertEquals(3.0, $this->slots($cmid)[2][1]);

        // New order, one question dropped with removemissing.
        $item['questions'] = [$item['questions'][3], $item['questions'][0], $item['questions'][1]];
        $item['removemissing'] = true;
        $result = $this->call('save_questions', [[$item]]);
        $this->assertTrue($result['quizzes'][0]['structurechanged']);
        $this->assertSame(['coop:test:quiz:q03'], $result['quizzes'][0]['removed']);
        $this->assertSame(['coop:test:quiz:q04', 'coop:test:quiz:q01', 'coop:test:quiz:q02'],
            array_column($this->slots($cmid), 0));
        $this->assertFalse($DB->record_exists('question_bank_entries', ['idnumber' => 'coop:test:quiz:q03']));

        // A question edited in Moodle (a new version made there) is drift, and the next save restores the pack text.
        $entry = $DB->get_record('question_bank_entries', ['idnumber' => 'coop:test:quiz:q02']);
        $latest = $DB->get_record('question_versions', ['questionbankentryid' => $entry->id, 'version' => 1]);
        $question = $DB->get_record('question', ['id' => $latest->questionid]);
        unset($question->id);
        $question->questiontext = 'Editat manual';
        $newid = $DB->insert_record('question', $question);
        $DB->insert_record('question_versions', ['questionbankentryid' => $entry->id, 'questionid' => $newid,
            'version' => 2, 'status' => 'ready']);
        $described = $this->call('describe_courses', [[$this->course->idnumber]]);
        $drift = array_column($described['courses'][0]['questions'], 'drift', 'idnumber');
        $this->assertTrue($drift['coop:test:quiz:q02']);
        $this->assertFalse($drift['coop:test:quiz:q01']);
        $repair = $this->call('save_questions', [[$item]]);
        $q02 = array_column($repair['quizzes'][0]['questions'], null, 'idnumber')['coop:test:quiz:q02'];
        $this->assertSame('updated', $q02['action']);
        $this->assertSame(3, $q02['version']);
    }

    /**
     * The structure of a quiz with attempts is not changed.
     */
    public function test_quiz_with_attempts(): void {
        global $DB;
        $cmid = $this->create_quiz();
        $item = $this->quiz_item();
        $this->call('save_questions', [[$item]]);
        $quizid = $DB->get_field('course_modules', 'instance', ['id' => $cmid]);
        $student = $this->getDataGenerator()->create_and_enrol($this->course, 'student');
        $quizgenerator = $this->getDataGenerator()->get_plugin_generator('mod_quiz');
        $this->setUser($student);
        $quizgenerator->create_attempt($quizid, $student->id);
        $this->assertTrue(quiz_has_attempts($quizid));

        // A changed question still gets a new version (the attempt keeps the old one).
        $this->setAdminUser();
        $item['questions'][1]['xml'] = str_replace('Corect.', 'Corect, se poate.', $item['questions'][1]['xml']);
        $result = $this->call('save_questions', [[$item]]);
        $this->assertSame('updated', $result['quizzes'][0]['questions'][1]['action']);

        $item['questions'] = array_reverse($item['questions']);
        try {
            $this->call('save_questions', [[$item]]);
            $this->fail('Expected moodle_exception');
        } catch (\moodle_exception $e) {
            $this->assertSame('quizhasattempts', $e->errorcode);
        }
    }

    /**
     * A changed questionsperpage repaginates the quiz: the next save sees no structure change. With attempts the
     * layout is kept (as in Moodle), and a page difference alone is not refused.
     */
    public function test_questionsperpage_change_repaginates(): void {
        global $DB;
        $quizitem = fn(string $perpage) => $this->activity('coop:test:quiz', 'quiz', ['options' => [
            ['name' => 'grade', 'value' => '10'], ['name' => 'gradepass', 'value' => '6'],
            ['name' => 'questionsperpage', 'value' => $perpage], ['name' => 'reviewfeedback', 'value' => '1']]]);
        $cmid = $this->create_quiz();
        $item = $this->quiz_item();
        $this->call('save_questions', [[$item]]);
        $this->assertSame([1, 2, 3, 4], array_column($this->slots($cmid), 2));

        $this->assertSame('updated', $this->call('save_activities', [[$quizitem('2')]])['activities'][0]['action']);
        $this->assertSame([1, 1, 2, 2], array_column($this->slots($cmid), 2));
        $again = $this->call('save_questions', [[$item]])['quizzes'][0];
        $this->assertFalse($again['structurechanged']);
        $this->assertSame(array_fill(0, 4, 'unchanged'), array_column($again['questions'], 'action'));

        // Pages laid out differently (by hand, or before the plugin repaginated) are laid out again.
        $quizid = (int) $DB->get_field('course_modules', 'instance', ['id' => $cmid]);
        $DB->set_field('quiz_slots', 'page', 1, ['quizid' => $quizid]);
        $this->assertFalse($this->call('save_questions', [[$item]])['quizzes'][0]['structurechanged']);
        $this->assertSame([1, 1, 2, 2], array_column($this->slots($cmid), 2));

        // With an attempt: the layout stays, and neither call is refused.
        $student = $this->getDataGenerator()->create_and_enrol($this->course, 'student');
        $this->setUser($student);
        $this->getDataGenerator()->get_plugin_generator('mod_quiz')->create_attempt($quizid, $student->id);
        $this->setAdminUser();
        $this->assertSame('updated', $this->call('save_activities', [[$quizitem('0')]])['activities'][0]['action']);
        $this->assertSame([1, 1, 2, 2], array_column($this->slots($cmid), 2));
        $kept = $this->call('save_questions', [[$item]])['quizzes'][0];
        $this->assertFalse($kept['structurechanged']);
        $this->assertSame([1, 1, 2, 2], array_column($this->slots($cmid), 2));
    }

    /**
     * Bad XML, a missing quiz and duplicate idnumbers are refused; nothing of the call is kept.
     */
    public function test_bad_input(): void {
        global $DB;
        $this->create_quiz();
        $before = $DB->count_records('question');
        $cases = [
            'not xml' => ['<quiz><question type="multichoice">', 'cannot be read'],
            'no question' => ['<quiz></quiz>', 'exactly one question (found 0)'],
            'category' => ['<quiz><question type="category"><category><text>$course$/X</text></category></question>'
                . '</quiz>', 'nothing else'],
            'two questions' => ['<quiz>' . substr($this->truefalse_xml('a'), 6, -7) . substr($this->truefalse_xml('b'), 6, -7)
                . '</quiz>', 'exactly one question'],
            'other idnumber' => [$this->truefalse_xml('coop:other'), "has idnumber 'coop:other'"],
            'bad fraction' => [str_replace('fraction="0" format="html"', 'fraction="37" format="html"',
                $this->multichoice_xml('coop:test:quiz:bad')), 'answer grade'],
        ];
        foreach ($cases as $case => [$xml, $message]) {
            try {
                $this->call('save_questions', [[['courseid' => $this->course->id, 'quiz' => 'coop:test:quiz',
                    'questions' => [
                        ['idnumber' => 'coop:test:quiz:good', 'xml' => $this->truefalse_xml('coop:test:quiz:good')],
                        ['idnumber' => 'coop:test:quiz:bad', 'xml' => $xml],
                    ]]]]);
                $this->fail("{$case}: expected invalid_parameter_exception");
            } catch (\invalid_parameter_exception $e) {
                $this->assertStringContainsString("question 'coop:test:quiz:bad'", $e->debuginfo, $case);
                $this->assertStringContainsString($message, $e->debuginfo, $case);
            }
            $this->assertEquals($before, $DB->count_records('question'), $case);
        }

        $this->expectException(\invalid_parameter_exception::class);
        $this->call('save_questions', [[['courseid' => $this->course->id, 'quiz' => 'coop:test:none',
            'questions' => []]]]);
    }

    /**
     * A teacher without local/cooperare:provision is refused.
     */
    public function test_permission_denied(): void {
        $this->create_quiz();
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('save_questions', [[$this->quiz_item()]]);
    }
}
