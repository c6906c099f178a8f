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
 * Tests of local_cooperare_add_user_files.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\add_user_files
 * @covers     \local_cooperare\local\userfiles
 */
final class add_user_files_test extends testcase {
    /**
     * A draft area of the current user holding one file, as webservice/upload.php leaves it.
     *
     * @param string $content
     * @param string $filename
     * @return int draft item id
     */
    private function draft_file(string $content, string $filename = 'Certificat-Țăranu-Ștefan.pdf'): int {
        global $USER;
        $draftitemid = file_get_unused_draft_itemid();
        get_file_storage()->create_file_from_string([
            'contextid' => \context_user::instance($USER->id)->id, 'component' => 'user', 'filearea' => 'draft',
            'itemid' => $draftitemid, 'filepath' => '/', 'filename' => $filename, 'userid' => $USER->id,
        ], $content);
        return $draftitemid;
    }

    /**
     * The files (not folders) of a user's private area: path => content.
     *
     * @param int $userid
     * @return string[]
     */
    private function private_files(int $userid): array {
        $files = get_file_storage()->get_area_files(\context_user::instance($userid)->id, 'user', 'private', 0,
            'filepath, filename', false);
        $result = [];
        foreach ($files as $file) {
            $result[$file->get_filepath() . $file->get_filename()] = $file->get_content();
        }
        return $result;
    }

    /**
     * Files land in the other users' private files; a re-run with the same content is unchanged, different content
     * is refused without overwrite and replaced with it.
     */
    public function test_add_rerun_and_overwrite(): void {
        global $DB;
        $ana = $this->getDataGenerator()->create_user(['firstname' => 'Ana']);
        $dan = $this->getDataGenerator()->create_user(['firstname' => 'Dănuț']);
        $items = [
            ['userid' => $ana->id, 'draftitemid' => $this->draft_file('PDF Ana'), 'filepath' => '/certificate/'],
            ['userid' => $dan->id, 'draftitemid' => $this->draft_file('PDF Dan')],
        ];
        $result = $this->call('add_user_files', [$items]);
        $this->assertSame([
            ['userid' => (int) $ana->id, 'filepath' => '/certificate/', 'filename' => 'Certificat-Țăranu-Ștefan.pdf',
                'contenthash' => sha1('PDF Ana'), 'action' => 'created'],
            ['userid' => (int) $dan->id, 'filepath' => '/', 'filename' => 'Certificat-Țăranu-Ștefan.pdf',
                'contenthash' => sha1('PDF Dan'), 'action' => 'created'],
        ], $result['files']);
        $this->assertSame(['/certificate/Certificat-Țăranu-Ștefan.pdf' => 'PDF Ana'], $this->private_files($ana->id));
        $this->assertSame(['/Certificat-Țăranu-Ștefan.pdf' => 'PDF Dan'], $this->private_files($dan->id));
        $stored = get_file_storage()->get_file(\context_user::instance($ana->id)->id, 'user', 'private', 0,
            '/certificate/', 'Certificat-Țăranu-Ștefan.pdf');
        $this->assertEquals($ana->id, $stored->get_userid());

        // Re-run with fresh drafts of the same files: nothing written.
        $items[0]['draftitemid'] = $this->draft_file('PDF Ana');
        $items[1]['draftitemid'] = $this->draft_file('PDF Dan');
        $filecount = $DB->count_records('files');
        $again = $this->call('add_user_files', [$items]);
        $this->assertSame(['unchanged', 'unchanged'], array_column($again['files'], 'action'));
        $this->assertEquals($filecount, $DB->count_records('files'));

        // Different content without overwrite: refused, naming the item; the whole call is rolled back.
        $items[0]['draftitemid'] = $this->draft_file('PDF Ana v2');
        $items[1]['draftitemid'] = $this->draft_file('PDF Dan v2');
        $items[1]['overwrite'] = true;
        try {
            $this->call('add_user_files', [array_reverse($items)]);
            $this->fail('Expected moodle_exception');
        } catch (\moodle_exception $e) {
            $this->assertSame('userfileexists', $e->errorcode);
            $this->assertStringContainsString("file '/certificate/Certificat-Țăranu-Ștefan.pdf' of user {$ana->id}",
                $e->getMessage());
        }
        $this->assertSame(['/Certificat-Țăranu-Ștefan.pdf' => 'PDF Dan'], $this->private_files($dan->id));

        // With overwrite: replaced.
        $items[0]['overwrite'] = true;
        $replaced = $this->call('add_user_files', [$items]);
        $this->assertSame(['replaced', 'replaced'], array_column($replaced['files'], 'action'));
        $this->assertSame(sha1('PDF Ana v2'), $replaced['files'][0]['contenthash']);
        $this->assertSame(['/certificate/Certificat-Țăranu-Ștefan.pdf' => 'PDF Ana v2'], $this->private_files($ana->id));
        $this->assertSame(['/Certificat-Țăranu-Ștefan.pdf' => 'PDF Dan v2'], $this->private_files($dan->id));
    }

    /**
     * Bad draft areas, paths, users and duplicates are refused with the item named; nothing of the call is kept.
     */
    public function test_bad_input(): void {
        global $USER;
        $ana = $this->getDataGenerator()->create_user();
        $good = ['userid' => $ana->id, 'draftitemid' => $this->draft_file('PDF')];
        $two = $this->draft_file('A', 'a.pdf');
        get_file_storage()->create_file_from_string(['contextid' => \context_user::instance($USER->id)->id,
            'component' => 'user', 'filearea' => 'draft', 'itemid' => $two, 'filepath' => '/', 'filename' => 'b.pdf'],
            'B');
        $cases = [
            'no such draft' => [['userid' => $ana->id, 'draftitemid' => 987654321],
                "file for user {$ana->id} from draft area 987654321: draft area 987654321 of the current user must "
                . 'hold exactly one file (it holds 0)'],
            'two files' => [['userid' => $ana->id, 'draftitemid' => $two], 'must hold exactly one file (it holds 2)'],
            'no such user' => [['userid' => 999999, 'draftitemid' => $this->draft_file('X')], 'no such user'],
            'guest' => [['userid' => guest_user()->id, 'draftitemid' => $this->draft_file('X')],
                'the guest user has no private files'],
            'relative path' => [['userid' => $ana->id, 'draftitemid' => $this->draft_file('X'),
                'filepath' => 'certificate/'], 'filepath must be a folder'],
            'path with ..' => [['userid' => $ana->id, 'draftitemid' => $this->draft_file('X'),
                'filepath' => '/../'], 'filepath must be a folder'],
            'listed twice' => [$good, "file '/Certificat-Țăranu-Ștefan.pdf' of user {$ana->id}: listed twice"],
        ];
        foreach ($cases as $case => [$item, $message]) {
            try {
                $this->call('add_user_files', [[$good, $item]]);
                $this->fail("{$case}: expected invalid_parameter_exception");
            } catch (\invalid_parameter_exception $e) {
                $this->assertStringContainsString($message, $e->debuginfo, $case);
            }
            $this->assertSame([], $this->private_files($ana->id), $case);
        }
    }

    /**
     * Without local/cooperare:provision, or without moodle/user:editprofile in the user's context, the call is
     * refused; a manager who is no administrator cannot write into an administrator's files.
     */
    public function test_permission_denied(): void {
        global $DB;
        $ana = $this->getDataGenerator()->create_user();
        $system = \context_system::instance();

        // An editing teacher: neither capability.
        $this->setUser($this->teacher());
        try {
            $this->call('add_user_files', [[['userid' => $ana->id, 'draftitemid' => $this->draft_file('PDF')]]]);
            $this->fail('Expected required_capability_exception');
        } catch (\required_capability_exception $e) {
            $this->assertStringContainsString(get_capability_string('local/cooperare:provision'), $e->getMessage());
        }

        // Nor does it learn whether a user id exists: an unknown user is refused the same way.
        try {
            $this->call('add_user_files', [[['userid' => $ana->id + 1000, 'draftitemid' => $this->draft_file('PDF')]]]);
            $this->fail('Expected required_capability_exception');
        } catch (\required_capability_exception $e) {
            $this->assertStringContainsString(get_capability_string('local/cooperare:provision'), $e->getMessage());
        }

        // local/cooperare:provision at site level, but not moodle/user:editprofile.
        $roleid = $this->getDataGenerator()->create_role(['shortname' => 'provisioner']);
        assign_capability('local/cooperare:provision', CAP_ALLOW, $roleid, $system->id);
        $provisioner = $this->getDataGenerator()->create_user();
        role_assign($roleid, $provisioner->id, $system->id);
        $this->setUser($provisioner);
        try {
            $this->call('add_user_files', [[['userid' => $ana->id, 'draftitemid' => $this->draft_file('PDF')]]]);
            $this->fail('Expected required_capability_exception');
        } catch (\required_capability_exception $e) {
            $this->assertStringContainsString(get_capability_string('moodle/user:editprofile'), $e->getMessage());
        }

        // A manager (both capabilities) may write into a trainee's files, not into an administrator's.
        $manager = $this->getDataGenerator()->create_user();
        role_assign($DB->get_field('role', 'id', ['shortname' => 'manager']), $manager->id, $system->id);
        $this->setUser($manager);
        $result = $this->call('add_user_files', [[['userid' => $ana->id, 'draftitemid' => $this->draft_file('PDF')]]]);
        $this->assertSame('created', $result['files'][0]['action']);
        try {
            $this->call('add_user_files', [[['userid' => get_admin()->id, 'draftitemid' => $this->draft_file('PDF')]]]);
            $this->fail('Expected moodle_exception');
        } catch (\moodle_exception $e) {
            $this->assertSame('useradmineditadmin', $e->errorcode);
        }
        $this->assertSame([], $this->private_files(get_admin()->id));
    }

    /**
     * The receiving user's quota applies, counting the file a replacement removes.
     */
    public function test_user_quota(): void {
        global $CFG;
        $ana = $this->getDataGenerator()->create_user();
        $CFG->userquota = 10;
        $item = ['userid' => $ana->id, 'draftitemid' => $this->draft_file('0123456789'), 'overwrite' => true];
        $this->assertSame('created', $this->call('add_user_files', [[$item]])['files'][0]['action']);
        $item['draftitemid'] = $this->draft_file('9876543210');
        $this->assertSame('replaced', $this->call('add_user_files', [[$item]])['files'][0]['action']);
        $this->expectException(\moodle_exception::class);
        $this->expectExceptionMessage(get_string('maxareabytes', 'error'));
        $this->call('add_user_files', [[['userid' => $ana->id, 'draftitemid' => $this->draft_file('x', 'alt.pdf')]]]);
    }
}
